import { expect } from "chai";
import { openTestNode, testGenesis, removeDir, type TestNode } from "../helpers/node-harness.ts";
import { sendBody } from "../helpers/txs.ts";
import { signTx, type Signer } from "../../runtime/tx/sign.ts";
import { encodeTx } from "../../runtime/tx/envelope.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { sha256, utf8, toHex } from "../../runtime/crypto/hash.ts";
import { buildSchemeRegistry } from "../../runtime/node/schemes.ts";
import { quantumSchemeProvider } from "../../plugins/quantum/index.ts";
import { TxError } from "../../runtime/tx/errors.ts";
import { defaultBankGenesis } from "../../modules/bank/genesis.ts";

/** Accounts of every registered scheme send transfers; the address binds scheme and key. */
for (const backend of ["node", "noble"] as const) {
  describe(`chain accounts with quantum-safe schemes (${backend} backend)`, function () {
    this.timeout(60_000);
    const schemes = buildSchemeRegistry([quantumSchemeProvider(backend)]);
    const ids = ["ed25519", "ml-dsa-65", "hybrid-ed25519-ml-dsa-65"];
    const signers = ids.map((id) => {
      const s = schemes.get(id);
      const kp = s.generate(sha256(utf8(`pq-${id}`)));
      return { scheme: s, secretKey: kp.secretKey, publicKey: kp.publicKey, address: addressFor(id, kp.publicKey) } as Signer & { address: string };
    });
    let t: TestNode;

    before(async () => {
      const bank = defaultBankGenesis();
      bank.balances = signers.map((s) => ({ address: s.address, coins: [{ denom: "nxt", amount: "100000000000" }] }));
      t = await openTestNode({ schemes, genesis: testGenesis({ extra: { bank } }) });
    });
    after(async () => {
      await t.close();
      removeDir(t.dir);
    });

    for (const [i, id] of ids.entries()) {
      it(`accepts a ${id} transfer, charges for its bytes, and rejects it tampered`, async () => {
        const s = signers[i]!;
        const to = signers[(i + 1) % signers.length]!.address;
        const d = signTx(sendBody(s, to, 1000n, 0n), [s]);
        // Tampered: flip one byte of the signature, then of the public key.
        const sig = d.tx.auth[0]!.signature.slice();
        sig[sig.length - 1]! ^= 1;
        const pk = d.tx.auth[0]!.publicKey.slice();
        pk[0]! ^= 1;
        for (const [auth, code] of [
          [{ ...d.tx.auth[0]!, signature: sig }, "TX_BAD_SIGNATURE"],
          [{ ...d.tx.auth[0]!, publicKey: pk }, "TX_SENDER_MISMATCH"],
        ] as const) {
          try {
            await t.node.submitTx(encodeTx({ body: d.tx.body, auth: [auth] }));
            expect.fail("tampered transaction accepted");
          } catch (e) {
            expect((e as TxError).code).to.equal(code);
          }
        }
        await t.node.submitTx(d.bytes);
        await t.node.produceBlock();
        const st = t.node.getTx(toHex(d.hash));
        if (st.status !== "committed") throw new Error(`not committed: ${st.status}`);
        expect(st.receipt.code, st.receipt.log).to.equal(0);
        expect(BigInt(st.receipt.fee)).to.equal(40n * BigInt(d.bytes.length)); // E=h·f counts every byte
        expect(d.bytes.length).to.be.at.least(s.scheme.publicKeyBytes + s.scheme.signatureBytes);
      });
    }
  });
}
