import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync, statSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keyring, KeystoreError, encryptKey, decryptKey, parseKeyFile, DEFAULT_SCRYPT } from "../../runtime/crypto/keystore.ts";
import { slip10Master, slip10Derive, parseHdPath, ed25519SeedFromMnemonic, generateMnemonic, isValidMnemonic, mnemonicToSeed, HdError, DEFAULT_HD_PATH } from "../../runtime/crypto/hd.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { SchemeRegistry } from "../../runtime/crypto/signature-scheme.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { toHex, fromHex, utf8 } from "../../runtime/crypto/hash.ts";

// Cheap scrypt for tests only; production files use DEFAULT_SCRYPT (checked once below).
const FAST = { N: 2 ** 10, r: 8, p: 1 };
const schemes = new SchemeRegistry().register(ed25519);

function expectKeystoreError(fn: () => unknown, code: string): KeystoreError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(KeystoreError);
    expect((e as KeystoreError).code).to.equal(code);
    return e as KeystoreError;
  }
  throw new Error(`expected ${code}`);
}

describe("crypto/hd: SLIP-0010 Ed25519", () => {
  // SLIP-0010 "Test vector 1 for ed25519" (https://github.com/satoshilabs/slips/blob/master/slip-0010.md)
  const seed = fromHex("000102030405060708090a0b0c0d0e0f");
  it("master key and chain code match test vector 1", () => {
    const m = slip10Master(seed);
    expect(toHex(m.key)).to.equal("2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7");
    expect(toHex(m.chainCode)).to.equal("90046a93de5380a72b5e45010748567d5ea02bbf6522f979e05c0d8d8ca9fffb");
  });
  it("m/0H matches test vector 1", () => {
    const n = slip10Derive(seed, "m/0'");
    expect(toHex(n.key)).to.equal("68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3");
    expect(toHex(n.chainCode)).to.equal("8b59aa11380b624e81507a27fedda59fea6d0b779a778918a2fd3590e16e9c69");
  });
  it("m/0H/1H/2H/2H/1000000000H matches test vector 1", () => {
    const n = slip10Derive(seed, "m/0H/1H/2H/2H/1000000000H");
    expect(toHex(n.key)).to.equal("8f94d394a8e8fd6b1bc2f3f49f5c47e385281d5c17e65324b0f62483e37e8793");
    expect(toHex(n.chainCode)).to.equal("68789923a0cac2cd5a29172a475fe9e0fb14cd6adb5ad98a3fa70333e7afa230");
  });
  it("rejects unhardened and malformed paths", () => {
    expect(() => parseHdPath("m/44'/0")).to.throw(HdError, /hardened/);
    expect(() => parseHdPath("44'/0'")).to.throw(HdError, /start with "m"/);
    expect(parseHdPath(DEFAULT_HD_PATH)).to.have.length(5);
  });
});

describe("crypto/hd: BIP39", () => {
  it("round trips: generated mnemonics validate and derive the same key twice", () => {
    const m = generateMnemonic(24);
    expect(m.split(" ")).to.have.length(24);
    expect(isValidMnemonic(m)).to.equal(true);
    expect(isValidMnemonic(`  ${m.toUpperCase()}  `)).to.equal(true);
    expect(toHex(ed25519SeedFromMnemonic(m))).to.equal(toHex(ed25519SeedFromMnemonic(m.toUpperCase())));
    expect(toHex(ed25519SeedFromMnemonic(m, "m/44'/7700'/0'/0'/1'"))).to.not.equal(toHex(ed25519SeedFromMnemonic(m)));
  });
  it("matches the BIP39 reference seed (abandon x11 about, passphrase TREZOR)", () => {
    const m = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    expect(toHex(mnemonicToSeed(m, "TREZOR"))).to.equal(
      "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
    );
  });
  it("rejects a mnemonic with a bad checksum", () => {
    const m = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon";
    expect(isValidMnemonic(m)).to.equal(false);
    expect(() => ed25519SeedFromMnemonic(m)).to.throw(HdError, /checksum/);
  });
});

describe("crypto/keystore", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "nexus-keys-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("encrypts and decrypts a secret key", () => {
    const kp = ed25519.generate();
    const f = encryptKey({ name: "a", scheme: ed25519, secretKey: kp.secretKey, passphrase: "correct horse", scrypt: FAST });
    expect(f.address).to.equal(addressFor("ed25519", kp.publicKey));
    expect(f.ciphertext).to.not.contain(toHex(kp.secretKey));
    const out = decryptKey(parseKeyFile(JSON.parse(JSON.stringify(f))), "correct horse", schemes);
    expect(toHex(out.secretKey)).to.equal(toHex(kp.secretKey));
  });

  it("uses the documented scrypt cost by default", () => {
    const f = encryptKey({ name: "a", scheme: ed25519, secretKey: ed25519.generate().secretKey, passphrase: "x" });
    expect(f.kdf).to.include({ name: "scrypt", N: DEFAULT_SCRYPT.N, r: 8, p: 1, dkLen: 32 });
  });

  it("wrong passphrase gives KEYSTORE_WRONG_PASSPHRASE", () => {
    const f = encryptKey({ name: "a", scheme: ed25519, secretKey: ed25519.generate().secretKey, passphrase: "right", scrypt: FAST });
    const e = expectKeystoreError(() => decryptKey(f, "wrong", schemes), "KEYSTORE_WRONG_PASSPHRASE");
    expect(e.message).to.match(/wrong passphrase/);
  });

  it("tampered ciphertext, tag or header fails; malformed files are KEYSTORE_CORRUPT", () => {
    const kp = ed25519.generate();
    const f = encryptKey({ name: "a", scheme: ed25519, secretKey: kp.secretKey, passphrase: "p", scrypt: FAST });
    const flip = (h: string): string => (h[0] === "0" ? "1" : "0") + h.slice(1);
    expectKeystoreError(() => decryptKey({ ...f, ciphertext: flip(f.ciphertext) }, "p", schemes), "KEYSTORE_WRONG_PASSPHRASE");
    expectKeystoreError(() => decryptKey({ ...f, cipher: { ...f.cipher, tag: flip(f.cipher.tag) } }, "p", schemes), "KEYSTORE_WRONG_PASSPHRASE");
    const other = addressFor("ed25519", ed25519.generate().publicKey);
    expectKeystoreError(() => decryptKey({ ...f, address: other }, "p", schemes), "KEYSTORE_WRONG_PASSPHRASE");
    expectKeystoreError(() => decryptKey({ ...f, dev: true }, "p", schemes), "KEYSTORE_WRONG_PASSPHRASE");
    expectKeystoreError(() => parseKeyFile({ ...f, ciphertext: "zz" }), "KEYSTORE_CORRUPT");
    expectKeystoreError(() => parseKeyFile({ ...f, kdf: { ...f.kdf, N: 1000 } }), "KEYSTORE_CORRUPT");
    expectKeystoreError(() => parseKeyFile({ ...f, version: 9 }), "KEYSTORE_UNSUPPORTED");
    expectKeystoreError(() => parseKeyFile([]), "KEYSTORE_CORRUPT");
  });

  it("Keyring: add, list, show, load signer; file mode 0600; no overwrite", () => {
    const kr = new Keyring(join(dir, "keys"));
    const { info, mnemonic } = kr.add("alice", "pw", { scrypt: FAST });
    expect(mnemonic.split(" ")).to.have.length(24);
    expect(info).to.include({ name: "alice", scheme: "ed25519", dev: false, hdPath: DEFAULT_HD_PATH });
    expect(statSync(kr.path("alice")).mode & 0o777).to.equal(0o600);
    expect(readFileSync(kr.path("alice"), "utf8")).to.not.contain(mnemonic.split(" ")[0] + " ");
    expect(kr.list().map((k) => k.name)).to.deep.equal(["alice"]);
    expect(kr.show("alice").address).to.equal(info.address);
    const s = kr.loadSigner("alice", "pw");
    expect(addressFor(s.scheme.id, s.publicKey)).to.equal(info.address);
    const sig = s.scheme.sign(s.secretKey, utf8("m"));
    expect(ed25519.verify(s.publicKey, utf8("m"), sig)).to.equal(true);
    expectKeystoreError(() => kr.add("alice", "pw", { scrypt: FAST }), "KEYSTORE_EXISTS");
    expectKeystoreError(() => kr.loadSigner("alice", "nope"), "KEYSTORE_WRONG_PASSPHRASE");
    expectKeystoreError(() => kr.show("bob"), "KEYSTORE_NOT_FOUND");
    expectKeystoreError(() => kr.path("../etc"), "KEYSTORE_BAD_NAME");
  });

  it("Keyring: importing the same mnemonic gives the same address", () => {
    const kr = new Keyring(dir);
    const { info, mnemonic } = kr.add("a", "pw", { scrypt: FAST });
    const again = kr.importMnemonic("b", mnemonic, "other", { scrypt: FAST, dev: true });
    expect(again.address).to.equal(info.address);
    expect(again.dev).to.equal(true);
  });

  it("Keyring: a damaged file does not hide the others from list()", () => {
    const kr = new Keyring(dir);
    kr.add("good", "pw", { scrypt: FAST });
    writeFileSync(join(dir, "bad.json"), "{not json");
    expect(kr.list().map((k) => k.name)).to.deep.equal(["good"]);
    expectKeystoreError(() => kr.show("bad"), "KEYSTORE_CORRUPT");
  });

  it("show refuses a key file whose address field was edited; list reports damaged files instead of hiding them", () => {
    const dir = mkdtempSync(join(tmpdir(), "nexus-keys-edited-"));
    try {
      const kr = new Keyring(dir);
      const good = kr.add("good", "pw", { scrypt: FAST }).info;
      const victim = kr.add("victim", "pw", { scrypt: FAST }).info;
      const path = join(dir, "victim.json");
      const f = JSON.parse(readFileSync(path, "utf8")) as { address: string };
      f.address = good.address; // an attacker's address shown as the victim's
      writeFileSync(path, JSON.stringify(f));
      writeFileSync(join(dir, "broken.json"), "{ not json");
      const e = expectKeystoreError(() => kr.show("victim"), "KEYSTORE_CORRUPT");
      expect(e.message).to.contain(`says its address is ${good.address}, but its public key gives ${victim.address}`);
      const all = kr.listAll();
      expect(all.keys.map((k) => k.name)).to.deep.equal(["good"]);
      expect(all.damaged.map((d) => d.name)).to.deep.equal(["broken", "victim"]);
      expect(all.damaged[1]!.reason).to.contain("was edited or damaged");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
