import { expect } from "chai";
import { Worker } from "node:worker_threads";
import { sha256, utf8 } from "../../runtime/crypto/hash.ts";
import type { SignatureScheme } from "../../runtime/crypto/signature-scheme.ts";
import { buildSchemeRegistry } from "../../runtime/node/schemes.ts";
import { quantumSchemeProvider } from "../../plugins/quantum/index.ts";
import { MAX_MESSAGE_BYTES } from "../../runtime/node/verify-pack.ts";
import { WorkerVerifyPool } from "../../runtime/node/verify-pool.ts";
import type { SigCheck } from "../../runtime/tx/sign.ts";

const quantum = quantumSchemeProvider("node");
const registry = buildSchemeRegistry([quantum]);
const SCHEMES = ["ed25519", "ml-dsa-65", "hybrid-ed25519-ml-dsa-65"].map((id) => registry.get(id));
const MESSAGES = 3;

interface Keyed {
  scheme: SignatureScheme;
  publicKey: Uint8Array;
  messages: Uint8Array[];
  signatures: Uint8Array[];
}

/** One key per scheme and a few signed messages: checks reuse them (ML-DSA signing is slow). */
const keyed: Keyed[] = SCHEMES.map((scheme) => {
  const kp = scheme.generate(sha256(utf8(`pool-${scheme.id}`)));
  const messages = Array.from({ length: MESSAGES }, (_, m) => sha256(utf8(`pool message ${m}`)));
  return { scheme, publicKey: kp.publicKey, messages, signatures: messages.map((m) => scheme.sign(kp.secretKey, m)) };
});

const flip = (b: Uint8Array, at: number): Uint8Array => {
  const c = b.slice();
  c[at % c.length]! ^= 1;
  return c;
};

/** Check i of a deterministic mix: scheme by i % 3, valid or broken one of four ways by i % 5. */
function mixedCheck(i: number, only?: SignatureScheme): { check: SigCheck; valid: boolean } {
  const k = only ? keyed.find((x) => x.scheme === only)! : keyed[i % keyed.length]!;
  const m = i % MESSAGES;
  const base = { scheme: k.scheme.id, publicKey: k.publicKey, message: k.messages[m]!, signature: k.signatures[m]! };
  switch (i % 5) {
    case 1:
      return { check: { ...base, signature: flip(base.signature, i) }, valid: false };
    case 2:
      return { check: { ...base, message: k.messages[(m + 1) % MESSAGES]! }, valid: false };
    case 3:
      return { check: { ...base, publicKey: flip(base.publicKey, i) }, valid: false };
    default:
      return { check: base, valid: true };
  }
}

function mix(n: number, from = 0, only?: SignatureScheme): { checks: SigCheck[]; expected: boolean[] } {
  const xs = Array.from({ length: n }, (_, i) => mixedCheck(from + i, only));
  return { checks: xs.map((x) => x.check), expected: xs.map((x) => x.valid) };
}

/** Each field copied into one larger buffer at an odd offset, as decoded transaction bytes will be. */
function asViews(checks: readonly SigCheck[]): { checks: SigCheck[]; buffers: ArrayBuffer[] } {
  const buffers: ArrayBuffer[] = [];
  const out = checks.map((c) => {
    const parts = [c.publicKey, c.message, c.signature];
    const big = new Uint8Array(parts.reduce((n, p) => n + p.length + 11, 11)).fill(0x99);
    buffers.push(big.buffer);
    let off = 11;
    const [publicKey, message, signature] = parts.map((p) => {
      big.set(p, off);
      const v = big.subarray(off, off + p.length);
      off += p.length + 11;
      return v;
    });
    return { scheme: c.scheme, publicKey: publicKey!, message: message!, signature: signature! };
  });
  return { checks: out, buffers };
}

/** Bytes a posted message costs: buffers it references, copied (cloned) or transferred. */
function postedBytes(message: unknown, transfer: readonly unknown[]): { copied: number; transferred: number } {
  const seen = new Set<ArrayBufferLike>();
  const total = { copied: 0, transferred: 0 };
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    const buf = v instanceof ArrayBuffer ? v : ArrayBuffer.isView(v) ? v.buffer : undefined;
    if (!buf) return Object.values(v).forEach(walk);
    if (seen.has(buf)) return;
    seen.add(buf);
    total[transfer.includes(buf) ? "transferred" : "copied"] += buf.byteLength;
  };
  walk(message);
  return total;
}

interface Post {
  worker: number;
  copied: number;
  transferred: number;
}

/** Records what the pool posts to its workers while `run` is in flight. */
async function watchPosts<T>(run: () => Promise<T>): Promise<{ result: T; posts: Post[] }> {
  const original = Worker.prototype.postMessage;
  const posts: Post[] = [];
  Worker.prototype.postMessage = function (this: Worker, value: unknown, transfer?: readonly unknown[]) {
    posts.push({ worker: this.threadId, ...postedBytes(value, transfer ?? []) }); // before posting: a transfer detaches the buffer
    return original.call(this, value, transfer as never);
  };
  try {
    return { result: await run(), posts };
  } finally {
    Worker.prototype.postMessage = original;
  }
}

const size = (p: Post): number => p.copied + p.transferred;

describe("WorkerVerifyPool: packed, transferred batches", function () {
  this.timeout(60_000);
  let pool: WorkerVerifyPool;

  before(() => {
    pool = new WorkerVerifyPool({ threads: 2, schemes: [quantum] });
  });
  after(async () => {
    await pool.close();
  });

  it("mixed valid and invalid checks over ed25519, ml-dsa-65 and the hybrid: correct and in order", async () => {
    const { checks, expected } = mix(60);
    expect(expected.filter(Boolean).length).to.be.within(20, 40);
    expect(await pool.verify(checks)).to.deep.equal(expected);
  });

  it("an unknown scheme, a wrong-length key and fields that are not Uint8Arrays are invalid, not errors", async () => {
    const { checks, expected } = mix(5);
    const ed = keyed[0]!;
    const odd = [
      { ...checks[0]!, scheme: "no-such-scheme" },
      { ...checks[0]!, publicKey: ed.publicKey.subarray(1) },
      { ...checks[0]!, signature: Array.from(ed.signatures[0]!) },
      { ...checks[0]!, publicKey: new Uint16Array(16) },
    ] as unknown as SigCheck[];
    expect(await pool.verify([...odd, ...checks])).to.deep.equal([false, false, false, false, ...expected]);
  });

  it("checks whose arrays are views at a non-zero byteOffset verify as their own bytes; the callers' buffers stay attached", async () => {
    const { checks, expected } = mix(45);
    const views = asViews(checks);
    const before = views.buffers.map((b) => b.byteLength);
    expect(await pool.verify(views.checks)).to.deep.equal(expected);
    expect(views.buffers.map((b) => b.byteLength)).to.deep.equal(before);
  });

  it("a check made of views into a 1 MB buffer posts ~200 bytes, not ~1 MB", async () => {
    const k = keyed[0]!;
    const big = new Uint8Array(1 << 20);
    const at = (b: Uint8Array, off: number): Uint8Array => (big.set(b, off), big.subarray(off, off + b.length));
    const check = { scheme: k.scheme.id, publicKey: at(k.publicKey, 4096), message: at(k.messages[0]!, 300_000), signature: at(k.signatures[0]!, 900_001) };
    const { result, posts } = await watchPosts(() => pool.verify([check, { ...check, message: k.messages[1]! }]));
    expect(result).to.deep.equal([true, false]);
    expect(posts).to.have.length(1);
    expect(size(posts[0]!)).to.be.below(512);
    expect(big.byteLength).to.equal(1 << 20);
  });

  it("a batch above MAX_MESSAGE_BYTES is cut into messages under the cap, spread over both workers, answered in order", async () => {
    // ~5.3 KB per post-quantum check: 150 checks are ~530 KB, three messages or more.
    const pq = mix(150, 0, keyed[2]!.scheme);
    const ed = mix(300, 0, keyed[0]!.scheme);
    // One Ed25519 check alone larger than the cap travels alone.
    const bigMessage = new Uint8Array(MAX_MESSAGE_BYTES + 1000).fill(7);
    const edKey = buildSchemeRegistry().get("ed25519");
    const kp = edKey.generate(sha256(utf8("big message")));
    const huge: SigCheck = { scheme: "ed25519", publicKey: kp.publicKey, message: bigMessage, signature: edKey.sign(kp.secretKey, bigMessage) };
    const checks = [...pq.checks.slice(0, 70), huge, ...ed.checks, ...pq.checks.slice(70)];
    const expected = [...pq.expected.slice(0, 70), true, ...ed.expected, ...pq.expected.slice(70)];
    const { result, posts } = await watchPosts(() => pool.verify(checks));
    expect(result).to.deep.equal(expected);
    expect(posts.length).to.be.at.least(4);
    expect(new Set(posts.map((p) => p.worker)).size).to.equal(2);
    for (const p of posts) expect(p.copied, "cloned, not transferred").to.be.below(1024);
    // Count, header, key, message, signature: only the lone oversized check exceeds the cap.
    expect(posts.filter((p) => size(p) > MAX_MESSAGE_BYTES).map(size)).to.deep.equal([4 + 16 + 32 + bigMessage.length + 64]);
  });

  it("concurrent verify() calls in one tick are gathered into one message per worker; each call gets its own answers", async () => {
    // ~60 checks, a third post-quantum: well under the cap per worker.
    const calls = Array.from({ length: 10 }, (_, c) => mix(1 + c, c * 13));
    const { result, posts } = await watchPosts(() => Promise.all(calls.map((c) => pool.verify(c.checks))));
    expect(result).to.deep.equal(calls.map((c) => c.expected));
    expect(posts).to.have.length(2);
    expect(new Set(posts.map((p) => p.worker)).size).to.equal(2);
  });

  it("concurrent calls, one of them cut into several messages, resolve each with its own answers", async () => {
    const big = mix(120, 5, keyed[1]!.scheme);
    const small = [mix(3, 1), mix(9, 2), mix(1, 4)];
    const { result, posts } = await watchPosts(() => Promise.all([pool.verify(small[0]!.checks), pool.verify(big.checks), ...small.slice(1).map((c) => pool.verify(c.checks))]));
    expect(result).to.deep.equal([small[0]!.expected, big.expected, small[1]!.expected, small[2]!.expected]);
    expect(posts.length).to.be.at.least(3);
  });
});

describe("WorkerVerifyPool: scheme plugins in the workers", function () {
  this.timeout(60_000);

  it("without scheme plugins the workers know Ed25519 only: a post-quantum check is invalid, not an error", async () => {
    const pool = new WorkerVerifyPool({ threads: 1 });
    try {
      const ed = mix(2, 0, keyed[0]!.scheme);
      const pq = mix(2, 0, keyed[1]!.scheme);
      expect(await pool.verify([...ed.checks, ...pq.checks])).to.deep.equal([...ed.expected, false, false]);
    } finally {
      await pool.close();
    }
  });

  it("a scheme plugin a worker cannot load fails every call instead of hanging it", async () => {
    const pool = new WorkerVerifyPool({ threads: 1, schemes: [{ module: new URL("../runtime/no-such-plugin.ts", import.meta.url).href, export: "plugin", options: {} }] });
    try {
      let err: Error | undefined;
      await pool.verify(mix(1, 0, keyed[0]!.scheme).checks).catch((e: Error) => (err = e));
      expect(err?.message).to.match(/verification workers failed to start/);
    } finally {
      await pool.close();
    }
  });
});
