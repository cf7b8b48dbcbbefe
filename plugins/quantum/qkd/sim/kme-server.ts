import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Etsi014KeyContainer, Etsi014Status } from "../etsi-014-client.ts";
import { runBb84, type Bb84ChannelOptions, type Bb84Options, type Bb84Result } from "./bb84.ts";
import { SimRng } from "./rng.ts";

/**
 * SIMULATION ONLY: two key-management entities (KME-A for SAE A, KME-B for SAE B) on
 * 127.0.0.1 speaking the ETSI GS QKD 014 REST API, fed by the BB84 simulator instead of QKD
 * hardware. For tests and devnets. Differences from a real KME, said plainly: plain http
 * (a real KME requires mutual TLS and identifies the calling SAE by its certificate; here
 * each KME trusts that callers are its own SAE), keys are generated on demand, no
 * key relay across more than one link.
 */
export interface SimulatedQkdLinkOptions {
  saeA: string;
  saeB: string;
  /** Seed of the simulation's random generator: same seed, same keys and key ids. */
  seed: string | number;
  channel?: Bb84ChannelOptions;
  bb84?: Omit<Bb84Options, keyof Bb84ChannelOptions>;
  keySizeBits?: number;
  maxKeysPerRequest?: number;
  /** BB84 rounds tried per request before answering 503. */
  maxRoundsPerRequest?: number;
}

/** A BB84 round's figures without its key material. */
export type Bb84RoundSummary = Omit<Bb84Result, "aliceKey" | "bobKey">;

export interface SimulatedKme {
  readonly kmeId: string;
  readonly saeId: string;
  readonly url: string;
}

export interface SimulatedQkdLink {
  readonly kmeA: SimulatedKme;
  readonly kmeB: SimulatedKme;
  readonly rounds: readonly Bb84RoundSummary[];
  /** Change the simulated channel (e.g. switch an eavesdropper on). */
  setChannel(channel: Bb84ChannelOptions): void;
  close(): Promise<void>;
}

interface PendingKey {
  master: string;
  key: Uint8Array;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

const MIN_KEY_BITS = 64;
const MAX_KEY_BITS = 4096;

export async function startSimulatedQkdLink(opts: SimulatedQkdLinkOptions): Promise<SimulatedQkdLink> {
  const rng = new SimRng(opts.seed);
  const bb84Rng = rng.fork("bb84");
  const idRng = rng.fork("key-ids");
  const keySize = opts.keySizeBits ?? 256;
  const maxPerRequest = opts.maxKeysPerRequest ?? 128;
  const maxRounds = opts.maxRoundsPerRequest ?? 16;
  let channel: Bb84ChannelOptions = { ...opts.channel };
  const rounds: Bb84RoundSummary[] = [];
  // Alice's bits live in KME-A, Bob's in KME-B; successful rounds leave them equal.
  const pool = { A: [] as Uint8Array[], B: [] as Uint8Array[], bytes: 0 };
  const pending = { A: new Map<string, PendingKey>(), B: new Map<string, PendingKey>() };

  const produce = (bytes: number): void => {
    let tries = 0;
    while (pool.bytes < bytes) {
      if (tries++ >= maxRounds) throw new HttpError(503, `could not produce ${bytes} key bytes in ${maxRounds} BB84 rounds`);
      const r = runBb84(bb84Rng, { ...opts.bb84, ...channel });
      const { aliceKey, bobKey, ...summary } = r;
      rounds.push(summary);
      if (!r.ok) throw new HttpError(503, `QKD link aborted key generation: ${r.abortReason}`, [{ qber: r.qber, round: rounds.length }]);
      pool.A.push(aliceKey);
      pool.B.push(bobKey);
      pool.bytes += aliceKey.length;
    }
  };
  const take = (side: "A" | "B", bytes: number): Uint8Array => {
    const out = new Uint8Array(bytes);
    let off = 0;
    const chunks = pool[side];
    while (off < bytes) {
      const c = chunks[0]!;
      const n = Math.min(c.length, bytes - off);
      out.set(c.subarray(0, n), off);
      off += n;
      if (n === c.length) chunks.shift();
      else chunks[0] = c.subarray(n);
    }
    return out;
  };

  const sides = {
    A: { kmeId: "SIM-KME-A", saeId: opts.saeA, peer: "B" as const },
    B: { kmeId: "SIM-KME-B", saeId: opts.saeB, peer: "A" as const },
  };

  const handle = async (side: "A" | "B", req: IncomingMessage): Promise<unknown> => {
    const me = sides[side];
    const peer = sides[me.peer];
    const url = new URL(req.url ?? "/", "http://sim");
    const m = /^\/api\/v1\/keys\/([^/]+)\/(status|enc_keys|dec_keys)$/.exec(url.pathname);
    if (!m) throw new HttpError(404, `no such endpoint ${url.pathname}`);
    const saeId = decodeURIComponent(m[1]!);
    const op = m[2]!;
    if (saeId !== peer.saeId) throw new HttpError(400, `SAE "${saeId}" is not connected to ${me.kmeId} (known: ${peer.saeId})`);
    const body = req.method === "POST" ? await readJson(req) : {};
    if (req.method !== "GET" && req.method !== "POST") throw new HttpError(405, `method ${req.method} not allowed`);

    if (op === "status") {
      if (req.method !== "GET") throw new HttpError(405, "status is GET only");
      const s: Etsi014Status = {
        source_KME_ID: me.kmeId,
        target_KME_ID: peer.kmeId,
        master_SAE_ID: me.saeId,
        slave_SAE_ID: peer.saeId,
        key_size: keySize,
        stored_key_count: Math.floor((pool.bytes * 8) / keySize),
        max_key_count: 100_000,
        max_key_per_request: maxPerRequest,
        max_key_size: MAX_KEY_BITS,
        min_key_size: MIN_KEY_BITS,
        max_SAE_ID_count: 0,
      };
      return s;
    }
    if (op === "enc_keys") {
      const b = body as { number?: unknown; size?: unknown; additional_slave_SAE_IDs?: unknown };
      const number = intParam(req.method === "POST" ? b.number : url.searchParams.get("number"), 1, "number");
      const size = intParam(req.method === "POST" ? b.size : url.searchParams.get("size"), keySize, "size");
      if (number < 1 || number > maxPerRequest) throw new HttpError(400, `number must be 1..${maxPerRequest}, got ${number}`);
      if (size % 8 !== 0 || size < MIN_KEY_BITS || size > MAX_KEY_BITS) {
        throw new HttpError(400, `size must be a multiple of 8 in ${MIN_KEY_BITS}..${MAX_KEY_BITS} bits, got ${size}`);
      }
      if (Array.isArray(b.additional_slave_SAE_IDs) && b.additional_slave_SAE_IDs.length) {
        throw new HttpError(400, "additional_slave_SAE_IDs is not supported by the simulator (max_SAE_ID_count = 0)");
      }
      produce((number * size) / 8);
      const keys: Etsi014KeyContainer["keys"] = [];
      for (let i = 0; i < number; i++) {
        const keyId = idRng.uuid();
        const mine = take(side, size / 8);
        pending[me.peer].set(keyId, { master: me.saeId, key: take(me.peer, size / 8) });
        keys.push({ key_ID: keyId, key: Buffer.from(mine).toString("base64") });
      }
      return { keys };
    }
    // dec_keys
    const ids: string[] = [];
    if (req.method === "POST") {
      const list = (body as { key_IDs?: unknown }).key_IDs;
      if (!Array.isArray(list) || list.length === 0) throw new HttpError(400, "body must have a non-empty key_IDs array");
      for (const k of list) {
        const id = (k as { key_ID?: unknown })?.key_ID;
        if (typeof id !== "string") throw new HttpError(400, "each key_IDs entry needs a string key_ID");
        ids.push(id);
      }
    } else {
      const id = url.searchParams.get("key_ID");
      if (!id) throw new HttpError(400, "key_ID query parameter is required");
      ids.push(id);
    }
    const mine = pending[side];
    const unknown = ids.filter((id) => mine.get(id)?.master !== saeId);
    if (unknown.length) throw new HttpError(400, `unknown key_ID for master SAE "${saeId}": ${unknown.join(", ")}`, unknown.map((key_ID) => ({ key_ID })));
    const keys = ids.map((id) => {
      const k = mine.get(id)!;
      mine.delete(id); // delivered once, then erased, as ETSI 014 expects
      return { key_ID: id, key: Buffer.from(k.key).toString("base64") };
    });
    return { keys };
  };

  const serve = (side: "A" | "B"): Server =>
    createServer((req: IncomingMessage, res: ServerResponse) => {
      handle(side, req).then(
        (json) => send(res, 200, json),
        (e: unknown) => {
          const he = e instanceof HttpError ? e : new HttpError(500, `simulator error: ${(e as Error).message}`);
          send(res, he.status, { message: he.message, details: he.details });
        },
      );
    });

  const servers = { A: serve("A"), B: serve("B") };
  const listen = (s: Server): Promise<string> =>
    new Promise((resolve, reject) => {
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`));
    });
  const urlA = await listen(servers.A);
  const urlB = await listen(servers.B);
  return {
    kmeA: { kmeId: sides.A.kmeId, saeId: opts.saeA, url: urlA },
    kmeB: { kmeId: sides.B.kmeId, saeId: opts.saeB, url: urlB },
    rounds,
    setChannel(c: Bb84ChannelOptions): void {
      channel = { ...c };
    },
    async close(): Promise<void> {
      await Promise.all(
        [servers.A, servers.B].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function send(res: ServerResponse, status: number, json: unknown): void {
  const body = JSON.stringify(json);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function intParam(v: unknown, dflt: number, name: string): number {
  if (v === undefined || v === null || v === "") return dflt;
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isInteger(n)) throw new HttpError(400, `${name} must be an integer, got ${JSON.stringify(v)}`);
  return n;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1 << 20) throw new HttpError(413, "request body too large");
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
}
