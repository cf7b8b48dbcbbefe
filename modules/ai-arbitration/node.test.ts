import { expect } from "chai";
import { openTestNode, testGenesis, testSigner, removeDir, TEST_CHAIN_ID, GENESIS_TIME, type TestNode } from "../../test/helpers/node-harness.ts";
import { buildTx } from "../../runtime/rpc/tx-builder.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { Band } from "../../runtime/tx/bands.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import { createBankModule } from "../bank/index.ts";
import { defaultBankGenesis } from "../bank/genesis.ts";
import { defaultBlockedAccounts } from "../bank/permissions.ts";
import { createArbitrationModule, ARBITRATION_BLOCKED_ACCOUNTS, defaultArbitrationGenesis, defaultArbitrationParams, type Case } from "./index.ts";
import { fileDisputeMsg, submitRulingMsg, updateArbitrationParamsMsg } from "./client.ts";
import { sendMsg } from "../bank/client.ts";
import { hex, NXT, BOND } from "./testing.ts";

const addr = (n: number): string => testSigner(n).address;
const GOV = moduleAddress("gov");

describe("arbitration on a node: signed transactions, real block headers, the end block and per-block invariants", () => {
  let t: TestNode | undefined;
  afterEach(async () => {
    if (t) {
      await t.close();
      removeDir(t.dir);
    }
    t = undefined;
  });

  it("file, three signed rulings, the appeal deadline: the remedy runs in the end block; ATTO params from outside are refused at checkTx", async () => {
    const modules = [
      createBankModule({ authority: GOV, blockedAccounts: [...defaultBlockedAccounts(), ...ARBITRATION_BLOCKED_ACCOUNTS] }),
      createArbitrationModule({ authority: GOV, remedySigner: GOV, forfeitTo: moduleAddress("treasury") }),
    ];
    const bank = defaultBankGenesis();
    bank.balances = Array.from({ length: 6 }, (_, i) => ({ address: addr(i), coins: [{ denom: "nxt", amount: (1_000_000n * NXT).toString() }] }));
    bank.moduleBalances.push({ module: "gov", coins: [{ denom: "nxt", amount: (10_000n * NXT).toString() }] });
    const params = { ...defaultArbitrationParams(), remedyTypeUrls: ["/bank.v1.MsgSend"], rulingPeriodMs: 60_000, appealPeriodMs: 30_000 };
    const genesis = testGenesis({ modules, extra: { bank, arbitration: { ...defaultArbitrationGenesis(), params, arbiters: [addr(3), addr(4), addr(5)] } } });
    t = await openTestNode({ modules, genesis });
    const node = t.node;
    const nonces = new Map<number, bigint>();
    const send = async (n: number, msgs: Msg[]): Promise<string> => {
      const nonce = nonces.get(n) ?? 0n;
      const tx = buildTx({ chainId: TEST_CHAIN_ID, signer: testSigner(n), nonce, msgs });
      await node.submitTx(tx.bytes);
      nonces.set(n, nonce + 1n);
      await node.produceBlock();
      return Buffer.from(tx.hash).toString("hex");
    };
    const receipt = (h: string) => {
      const r = node.getTx(h);
      if (r.status !== "committed") throw new Error(`tx ${h} is ${r.status}`);
      return r.receipt;
    };
    await node.produceBlock();
    const fileHash = await send(1, [
      fileDisputeMsg({
        plaintiff: addr(1),
        defendant: addr(2),
        kind: "resource_allocation",
        title: "Grant withheld",
        summaryHash: hex("summary"),
        evidence: [{ hash: hex("e1"), uri: "https://evidence.example/e1.json", party: "plaintiff" }],
        bond: BOND.toString(),
        remedy: [sendMsg(GOV, addr(1), 100n * NXT) as { typeUrl: string; value: Record<string, unknown> }],
      }),
    ]);
    const filed = receipt(fileHash);
    expect(filed.codeName, filed.log).to.equal("OK");
    expect(filed.events.filter((e) => e.type === "arbitration.assigned").map((e) => e.attributes.arbiter).sort()).to.deep.equal([addr(3), addr(4), addr(5)].sort());
    const c = node.query("arbitration/case", { caseId: 1 }) as Case;
    for (const n of [3, 4, 5]) {
      const h = await send(n, [submitRulingMsg({ arbiter: addr(n), caseId: 1, round: 1, decision: "plaintiff", confidence: 900, rationaleHash: hex(`r${n}`) })]);
      expect(receipt(h).codeName).to.equal("OK");
    }
    const ruled = node.query("arbitration/case", { caseId: 1 }) as Case;
    expect(ruled).to.deep.include({ status: "ruled", outcome: "plaintiff" });
    expect(ruled.rulings.map((r) => r.arbiter)).to.deep.equal([addr(3), addr(4), addr(5)]);
    expect(c.panel).to.have.length(3);
    // An arbiter's ruling signed by someone else is refused before the block (the signature is the arbiter's).
    let err: unknown;
    await node
      .submitTx(buildTx({ chainId: TEST_CHAIN_ID, signer: testSigner(2), nonce: 0n, msgs: [submitRulingMsg({ arbiter: addr(3), caseId: 1, round: 1, decision: "dismiss", confidence: 900, rationaleHash: hex("x") })] }).bytes)
      .catch((e: unknown) => (err = e));
    expect((err as { code: string }).code).to.equal("TX_MISSING_SIGNER");
    // MsgUpdateParams needs ATTO, which only governance holds: refused at checkTx.
    err = undefined;
    await node
      .submitTx(buildTx({ chainId: TEST_CHAIN_ID, signer: testSigner(1), nonce: nonces.get(1)!, band: Band.ATTO, msgs: [updateArbitrationParamsMsg({ authority: addr(1), params })] }).bytes)
      .catch((e: unknown) => (err = e));
    expect((err as { code: string }).code).to.equal("TX_BAND_FORBIDDEN");
    const before = BigInt(node.getBalance(addr(1), "nxt").amount);
    while (node.status().latestBlockTime < ruled.appealDeadlineMs!) await node.produceBlock();
    expect((node.query("arbitration/case", { caseId: 1 }) as Case).status).to.equal("closed");
    expect(BigInt(node.getBalance(addr(1), "nxt").amount) - before).to.equal(100n * NXT + BOND);
    expect(BigInt(node.getBalance(moduleAddress("arbitration"), "nxt").amount)).to.equal(0n);
    expect(node.status().latestBlockTime).to.be.greaterThan(GENESIS_TIME);
  });
});
