import { createHash, randomBytes } from "node:crypto";
import { createNetwork, type BlockSource, type Network, type NetworkOptions, type SyncHooks, type SyncedBlock } from "../../plugins/transports/libp2p/index.ts";

export const CHAIN_ID = "p2p-test-1";

/** Tracks every network a test starts so afterEach can always close them. */
export class NetPool {
  private readonly nets: Network[] = [];

  async start(o: Partial<NetworkOptions> = {}): Promise<Network> {
    const n = await createNetwork({
      chainId: CHAIN_ID,
      // Many nodes on 127.0.0.1: no colocation penalty, no per-host connection rate limit.
      ipColocationWeight: 0,
      inboundConnectionsPerSecond: 10_000,
      maintenanceIntervalMs: 300,
      ...o,
    });
    this.nets.push(n);
    return n;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.nets.splice(0).map((n) => n.stop().catch(() => undefined)));
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/**
 * A fake chain for sync tests. A block is prevHash(32) ‖ height(8, big-endian) ‖ payload; its
 * "commit" is sha256(validatorSecret ‖ blockHash), standing in for validator signatures: a
 * peer cannot forge one for a block the validators did not commit.
 */
export class FakeChain implements BlockSource {
  readonly blocks: Array<{ block: Uint8Array; commit: Uint8Array; hash: Uint8Array }> = [];

  constructor(
    readonly secret: Uint8Array,
    n: number,
    payloadBytes = 256,
  ) {
    let prev: Uint8Array = new Uint8Array(32);
    for (let h = 1; h <= n; h++) {
      const block = encodeFakeBlock(prev, h, randomBytes(payloadBytes));
      const hash = sha(block);
      this.blocks.push({ block, commit: sha(secret, hash), hash });
      prev = hash;
    }
  }

  height(): number {
    return this.blocks.length;
  }

  block(h: number): { block: Uint8Array; commit: Uint8Array } | undefined {
    return this.blocks[h - 1];
  }

  latestHash(): Uint8Array {
    return this.blocks.at(-1)?.hash ?? new Uint8Array(0);
  }
}

export function encodeFakeBlock(prev: Uint8Array, height: number, payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(40 + payload.length);
  b.set(prev, 0);
  new DataView(b.buffer).setBigUint64(32, BigInt(height));
  b.set(payload, 40);
  return b;
}

/** A peer serving a fork from height `from`: blocks with the honest commits of other blocks. */
export class LyingSource implements BlockSource {
  constructor(
    private readonly honest: FakeChain,
    private readonly from: number,
  ) {}

  height(): number {
    return this.honest.height();
  }

  block(h: number): { block: Uint8Array; commit: Uint8Array } | undefined {
    const b = this.honest.block(h);
    if (!b || h < this.from) return b;
    const forged = Uint8Array.from(b.block);
    forged[forged.length - 1]! ^= 0xff;
    return { block: forged, commit: b.commit };
  }
}

/** The node side of sync for a FakeChain: checks the hash chain and the commit, then "applies". */
export class FakeVerifier implements SyncHooks {
  readonly applied: SyncedBlock[] = [];
  private prev: Uint8Array = new Uint8Array(32);

  constructor(private readonly secret: Uint8Array) {}

  localHeight(): number {
    return this.applied.length;
  }

  verifyAndApply(b: SyncedBlock): { ok: true } | { ok: false; reason: string } {
    if (b.block.length < 40) return { ok: false, reason: "short block" };
    const prev = b.block.subarray(0, 32);
    const height = Number(new DataView(b.block.buffer, b.block.byteOffset).getBigUint64(32));
    if (height !== b.height || height !== this.applied.length + 1) return { ok: false, reason: `block says height ${height}` };
    if (Buffer.compare(prev, this.prev) !== 0) return { ok: false, reason: "prevHash does not link" };
    const hash = sha(b.block);
    if (Buffer.compare(sha(this.secret, hash), b.commit) !== 0) return { ok: false, reason: "commit does not verify" };
    this.applied.push(b);
    this.prev = hash;
    return { ok: true };
  }
}
