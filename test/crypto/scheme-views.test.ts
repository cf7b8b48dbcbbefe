import { expect } from "chai";
import { sha256, utf8 } from "../../runtime/crypto/hash.ts";
import { ed25519OpensslVerify } from "../../runtime/crypto/ed25519.ts";
import { libsodiumAccepts, libsodiumStatus } from "../../runtime/crypto/ed25519-libsodium.ts";
import type { SignatureScheme } from "../../runtime/crypto/signature-scheme.ts";
import { buildSchemeRegistry } from "../../runtime/node/schemes.ts";
import { createQuantumSchemes, quantumSchemeProvider } from "../../plugins/quantum/index.ts";

// The verify worker hands every scheme subarray views into one packed buffer (verify-pack.ts),
// and transaction decoding will hand out views into transaction and batch bytes. A library that
// reads from the start of the underlying buffer, or to its end, would give wrong verdicts; each
// case below places decoy bytes exactly where such a library would look.

type Verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;
type Field = "publicKey" | "message" | "signature";
const FIELDS: Field[] = ["publicKey", "message", "signature"];

/** `b` at `offset` in a larger buffer of other bytes; returns the view. */
function viewAt(b: Uint8Array, offset: number): Uint8Array {
  const big = new Uint8Array(offset + b.length + 61).fill(0xa7);
  big.set(b, offset);
  return big.subarray(offset, offset + b.length);
}

/** A view of `shown` whose buffer starts with `decoy`: what a byteOffset-ignoring reader would see. */
function viewOverDecoy(shown: Uint8Array, decoy: Uint8Array): Uint8Array {
  const big = new Uint8Array(decoy.length + 9 + shown.length);
  big.set(decoy, 0);
  big.set(shown, decoy.length + 9);
  return big.subarray(decoy.length + 9);
}

/** pk, message and signature at increasing offsets inside one buffer, as in decoded transaction bytes. */
function viewsInOneBuffer(parts: Uint8Array[]): Uint8Array[] {
  const big = new Uint8Array(parts.reduce((n, p) => n + p.length + 3, 5)).fill(0x3c);
  let off = 5;
  return parts.map((p) => {
    big.set(p, off);
    const v = big.subarray(off, off + p.length);
    off += p.length + 3;
    return v;
  });
}

function flipped(b: Uint8Array): Uint8Array {
  const c = b.slice();
  c[c.length >> 1]! ^= 0x10;
  return c;
}

/** Every way a view can be misread, for one verify function and one valid (pk, msg, sig). */
function expectViewsRead(verify: Verify, good: Record<Field, Uint8Array>): void {
  const { publicKey: pk, message: msg, signature: sig } = good;
  expect(verify(pk, msg, sig), "plain arrays").to.equal(true);
  expect(verify(viewAt(pk, 7), viewAt(msg, 13), viewAt(sig, 1001)), "views at odd offsets, other bytes around").to.equal(true);
  const [a, b, c] = viewsInOneBuffer([pk, msg, sig]);
  expect(verify(a!, b!, c!), "views into one shared buffer").to.equal(true);
  for (const f of FIELDS) {
    // Tampered bytes in the view, the genuine ones at the start of its buffer.
    const args = { ...good, [f]: viewOverDecoy(flipped(good[f]), good[f]) };
    expect(verify(args.publicKey, args.message, args.signature), `${f}: a tampered view over genuine bytes`).to.equal(false);
    // Genuine bytes in the view, tampered ones at the start of its buffer.
    const back = { ...good, [f]: viewOverDecoy(good[f], flipped(good[f])) };
    expect(verify(back.publicKey, back.message, back.signature), `${f}: a genuine view over tampered bytes`).to.equal(true);
  }
}

function signed(scheme: SignatureScheme): Record<Field, Uint8Array> {
  const kp = scheme.generate(sha256(utf8(`views-${scheme.id}`)));
  const message = sha256(utf8(`message for ${scheme.id}`));
  return { publicKey: kp.publicKey, message, signature: scheme.sign(kp.secretKey, message) };
}

describe("signature schemes read Uint8Array views at a non-zero byteOffset correctly", function () {
  this.timeout(60_000);

  for (const backend of ["node", "noble"] as const) {
    const registry = buildSchemeRegistry([quantumSchemeProvider(backend)]);
    for (const id of registry.ids()) {
      it(`${id} as registered by the node (${backend} quantum backend)`, () => {
        const s = registry.get(id);
        expectViewsRead((pk, m, sig) => s.verify(pk, m, sig), signed(s));
      });
    }
    it(`the quantum plugin's own ed25519 on the ${backend} backend`, () => {
      const s = createQuantumSchemes(backend).ed25519;
      expectViewsRead((pk, m, sig) => s.verify(pk, m, sig), signed(s));
    });
  }

  it("both halves of the runtime's Ed25519: node:crypto alone, and libsodium alone", function () {
    // The registered scheme only reaches node:crypto when libsodium says no, so a valid signature
    // in a view never tests node:crypto's reading of it there.
    const good = signed(buildSchemeRegistry().get("ed25519"));
    expectViewsRead(ed25519OpensslVerify, good);
    if (!libsodiumStatus().active) this.skip();
    expectViewsRead(libsodiumAccepts, good);
  });
});
