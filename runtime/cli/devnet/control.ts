import { chmodSync, existsSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { CliError } from "../util.ts";
import { controlSocketPath } from "./dir.ts";
import type { ValidatorStatus } from "./supervisor.ts";

/**
 * The control channel of a running `nexus devnet`: a Unix socket (mode 0600, so only its
 * user) that takes one JSON request per connection and answers one JSON line. It is also the
 * devnet directory's lock: while it answers, no second devnet starts or resets there.
 */
export type ControlRequest = { op: "status" } | { op: "restart"; index: number } | { op: "stop"; index: number };
export type ControlResponse = { ok: true; pid: number; dir: string; validators: ValidatorStatus[] } | { ok: false; error: string };

export interface ControlHandler {
  status(): ValidatorStatus[];
  restart(i: number): Promise<unknown>;
  stop(i: number): Promise<unknown>;
}

/** Largest request we read; a real one is a few dozen bytes. */
const MAX_REQUEST = 4096;

/** Parse and check one request line; an error message for anything else. */
export function parseControlRequest(line: string, validators: number): ControlRequest | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return "the request is not JSON";
  }
  const r = v as { op?: unknown; index?: unknown };
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "the request must be a JSON object";
  if (r.op === "status") return { op: "status" };
  if (r.op !== "restart" && r.op !== "stop") return `unknown op ${JSON.stringify(r.op)}: status, restart or stop`;
  if (typeof r.index !== "number" || !Number.isInteger(r.index) || r.index < 0 || r.index >= validators) return `index must be a validator of this devnet: 0..${validators - 1}`;
  return { op: r.op, index: r.index };
}

/** Whether a devnet answers on this directory's control socket. */
export function devnetRunning(dir: string): Promise<boolean> {
  const path = controlSocketPath(dir);
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((done) => {
    const s = connect(path);
    s.once("connect", () => {
      s.destroy();
      done(true);
    });
    s.once("error", () => done(false));
  });
}

/** Listen on the directory's control socket; refuses when another devnet already answers there. */
export async function openControl(dir: string, handler: ControlHandler): Promise<{ path: string; close(): Promise<void> }> {
  const path = controlSocketPath(dir);
  if (await devnetRunning(dir)) throw runningError(dir);
  // A socket file nobody answers on is left by a devnet that was killed: reuse the name.
  if (existsSync(path)) unlinkSync(path);
  let queue = Promise.resolve();
  const server: Server = createServer((sock) => serve(sock, handler, dir, (f) => (queue = queue.then(f, f))));
  await new Promise<void>((done, fail) => {
    server.once("error", (e: NodeJS.ErrnoException) => fail(e.code === "EADDRINUSE" ? runningError(dir) : e));
    server.listen(path, () => done());
  });
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }),
  };
}

function runningError(dir: string): CliError {
  return new CliError("CLI_DEVNET_RUNNING", `a devnet is already running from ${dir}`, "use `nexus devnet status|restart|stop` against it, stop it with Ctrl-C, or pick another --dir");
}

/** One request per connection; stop and restart run one at a time so two never race on one validator. */
function serve(sock: Socket, h: ControlHandler, dir: string, serialise: (f: () => Promise<void>) => Promise<void>): void {
  let buf = "";
  const reply = (r: ControlResponse): void => {
    sock.end(JSON.stringify(r) + "\n");
  };
  sock.setEncoding("utf8");
  sock.on("error", () => sock.destroy());
  sock.on("data", (d: string) => {
    buf += d;
    if (buf.length > MAX_REQUEST) {
      reply({ ok: false, error: `request longer than ${MAX_REQUEST} bytes` });
      sock.removeAllListeners("data");
      return;
    }
    const nl = buf.indexOf("\n");
    if (nl < 0) return;
    sock.removeAllListeners("data");
    const req = parseControlRequest(buf.slice(0, nl), h.status().length);
    if (typeof req === "string") return reply({ ok: false, error: req });
    void serialise(async () => {
      try {
        if (req.op === "restart") await h.restart(req.index);
        else if (req.op === "stop") await h.stop(req.index);
        reply({ ok: true, pid: process.pid, dir, validators: h.status() });
      } catch (e) {
        reply({ ok: false, error: (e as Error).message });
      }
    });
  });
}

/** Send one request to the devnet running from `dir` and wait for its answer. */
export function controlRequest(dir: string, req: ControlRequest, timeoutMs = 180_000): Promise<ControlResponse> {
  const path = controlSocketPath(dir);
  return new Promise((done, fail) => {
    const s = connect(path);
    let buf = "";
    const timer = setTimeout(() => {
      s.destroy();
      fail(new CliError("CLI_DEVNET_NOT_RUNNING", `the devnet in ${dir} did not answer within ${timeoutMs / 1000} s`, "check the terminal running `nexus devnet`"));
    }, timeoutMs);
    s.setEncoding("utf8");
    s.once("connect", () => s.write(JSON.stringify(req) + "\n"));
    s.on("data", (d: string) => (buf += d));
    s.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === "ENOENT" || e.code === "ECONNREFUSED") fail(new CliError("CLI_DEVNET_NOT_RUNNING", `no devnet is running from ${dir}`, "start it with `nexus devnet` (and the same --dir / --home), then try again"));
      else fail(e);
    });
    s.once("close", () => {
      clearTimeout(timer);
      try {
        done(JSON.parse(buf) as ControlResponse);
      } catch {
        fail(new CliError("CLI_DEVNET_NOT_RUNNING", `the devnet in ${dir} closed the control connection without an answer`, "it may be stopping; check its terminal"));
      }
    });
  });
}
