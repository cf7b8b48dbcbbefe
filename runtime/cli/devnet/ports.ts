import { createServer } from "node:net";

/** Whether 127.0.0.1:port can be bound right now. */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((done) => {
    const s = createServer();
    s.once("error", () => done(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => done(true)));
  });
}

/** A port the OS picks as free on 127.0.0.1. */
export function ephemeralPort(host = "127.0.0.1"): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen({ port: 0, host }, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

export interface PortChoice {
  ports: number[];
  /** The defaults that were taken, with what replaced each. */
  moved: { wanted: number; got: number }[];
}

/**
 * `count` ports for a devnet's validators: base + i where that is free, otherwise one the OS
 * hands out. `taken` are ports already promised to another role of this devnet (RPC vs P2P),
 * so two roles never share one. A port is only probed, not held: another program may still
 * take it before the validator binds, and the validator then fails with the port named.
 */
export async function pickPorts(base: number, count: number, taken: ReadonlySet<number> = new Set(), probe = { isFree: portIsFree, next: ephemeralPort }): Promise<PortChoice> {
  const ports: number[] = [];
  const moved: PortChoice["moved"] = [];
  const used = new Set(taken);
  for (let i = 0; i < count; i++) {
    const wanted = base + i;
    let got = wanted;
    if (used.has(wanted) || !(await probe.isFree(wanted))) {
      do got = await probe.next();
      while (used.has(got));
      moved.push({ wanted, got });
    }
    used.add(got);
    ports.push(got);
  }
  return { ports, moved };
}
