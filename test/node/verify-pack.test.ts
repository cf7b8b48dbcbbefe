import { expect } from "chai";
import type { SigCheck } from "../../runtime/tx/sign.ts";
import { forEachPacked, NOT_BYTES, PACK_PREAMBLE_BYTES, packChecks, packedCount, packedSize } from "../../runtime/node/verify-pack.ts";

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

/** `b` copied into a larger buffer at `offset`, with other bytes around it; returns the view. */
function viewAt(b: Uint8Array, offset: number, total = offset + b.length + 17): Uint8Array {
  const big = new Uint8Array(total).fill(0xee);
  big.set(b, offset);
  return big.subarray(offset, offset + b.length);
}

interface Unpacked {
  scheme: string | number;
  publicKey: number[];
  message: number[];
  signature: number[];
}

function unpack(buffer: ArrayBuffer, schemes: string[]): Unpacked[] {
  const out: Unpacked[] = [];
  forEachPacked(buffer, (s, pk, msg, sig, i) => {
    expect(i).to.equal(out.length);
    // Views into the packed buffer itself, not copies.
    for (const v of [pk, msg, sig]) expect(v.buffer).to.equal(buffer);
    out.push({ scheme: s === NOT_BYTES ? s : schemes[s]!, publicKey: [...pk], message: [...msg], signature: [...sig] });
  });
  return out;
}

const plain = (c: SigCheck): Unpacked => ({ scheme: c.scheme, publicKey: [...c.publicKey], message: [...c.message], signature: [...c.signature] });

describe("verify-pack: checks packed into one transferable buffer", () => {
  it("round-trips mixed schemes, lengths and views at non-zero offsets, in order", () => {
    const checks: SigCheck[] = [
      { scheme: "ed25519", publicKey: bytes(32, 1), message: bytes(32, 2), signature: bytes(64, 3) },
      { scheme: "ml-dsa-65", publicKey: viewAt(bytes(1952, 4), 1001), message: viewAt(bytes(32, 5), 3), signature: viewAt(bytes(3309, 6), 77) },
      { scheme: "ed25519", publicKey: viewAt(bytes(32, 7), 5), message: new Uint8Array(0), signature: viewAt(bytes(64, 8), 9) },
      { scheme: "hybrid-ed25519-ml-dsa-65", publicKey: Buffer.alloc(1984, 9), message: bytes(300, 10), signature: bytes(3373, 11) },
    ];
    const { buffer, schemes } = packChecks(checks);
    expect(schemes).to.deep.equal(["ed25519", "ml-dsa-65", "hybrid-ed25519-ml-dsa-65"]);
    expect(packedCount(buffer)).to.equal(4);
    expect(buffer.byteLength).to.equal(PACK_PREAMBLE_BYTES + checks.reduce((n, c) => n + packedSize(c), 0));
    expect(unpack(buffer, schemes)).to.deep.equal(checks.map(plain));
  });

  it("copies only a view's bytes: a key, message and signature inside a 1 MB buffer pack into 148 bytes", () => {
    const big = new Uint8Array(1 << 20).fill(0x5a);
    const c: SigCheck = { scheme: "ed25519", publicKey: big.subarray(500_000, 500_032), message: big.subarray(7, 39), signature: big.subarray(1_000_000, 1_000_064) };
    const { buffer } = packChecks([c]);
    expect(buffer.byteLength).to.equal(PACK_PREAMBLE_BYTES + 16 + 32 + 32 + 64);
    expect(unpack(buffer, ["ed25519"])).to.deep.equal([plain(c)]);
    expect(big.byteLength).to.equal(1 << 20); // the caller's buffer is read, never moved
  });

  it("marks a check whose fields are not all Uint8Arrays, so the worker answers invalid", () => {
    const good: SigCheck = { scheme: "ed25519", publicKey: bytes(32, 1), message: bytes(32, 2), signature: bytes(64, 3) };
    const odd = { scheme: "ed25519", publicKey: new Uint16Array(16), message: bytes(32, 2), signature: "sig" } as unknown as SigCheck;
    const { buffer, schemes } = packChecks([odd, good]);
    expect(unpack(buffer, schemes)).to.deep.equal([{ scheme: NOT_BYTES, publicKey: [], message: [], signature: [] }, plain(good)]);
  });

  it("an empty batch is just the count; a truncated buffer throws instead of reading past its end", () => {
    expect(packChecks([]).buffer.byteLength).to.equal(PACK_PREAMBLE_BYTES);
    const { buffer } = packChecks([{ scheme: "ed25519", publicKey: bytes(32, 1), message: bytes(32, 2), signature: bytes(64, 3) }]);
    expect(() => forEachPacked(buffer.slice(0, buffer.byteLength - 1), () => undefined)).to.throw(RangeError);
  });
});
