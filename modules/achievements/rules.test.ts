import { expect } from "chai";
import type { ChainEvent, TxOutcome } from "../../runtime/modules/types.ts";
import { testSigner } from "../../test/helpers/node-harness.ts";
import { progressOf, MAX_PROGRESS_PER_TX, type Progress } from "./rules.ts";

const A = testSigner(0).address;
const B = testSigner(1).address;
const tx = (o: Partial<TxOutcome>): TxOutcome => ({ nonce: 5n, msgs: [], events: [], ...o });
const ev = (type: string, attributes: Record<string, string>): ChainEvent => ({ type, attributes });
const show = (ps: Progress[]): string[] => ps.map((p) => (p.kind === "award" ? `${p.account === A ? "A" : "B"}:${p.badge.key}${p.lazy ? "?" : ""}` : p.kind === "count" ? `${p.account === A ? "A" : "B"}:+${p.counter}` : `${p.account === A ? "A" : "B"}:registered`));

describe("achievements: what a transaction earns (pure rules)", () => {
  it("the sender's transaction count: the transaction reaching 1, 100, 1000 earns it; later ones offer it lazily", () => {
    expect(show(progressOf(A, tx({ nonce: 0n })))).to.deep.equal(["A:first_transaction"]);
    expect(show(progressOf(A, tx({ nonce: 98n })))).to.deep.equal(["A:first_transaction?"]);
    expect(show(progressOf(A, tx({ nonce: 99n })))).to.deep.equal(["A:first_transaction?", "A:transactions_100"]);
    expect(show(progressOf(A, tx({ nonce: 5_000n })))).to.deep.equal(["A:first_transaction?", "A:transactions_100?", "A:transactions_1000?"]);
  });

  it("transfers and multi-sends by their senders, commit signatures by validator", () => {
    const msgs = [
      { typeUrl: "/bank.v1.MsgSend", value: { from: A, to: B, amount: [] } },
      { typeUrl: "/bank.v1.MsgMultiSend", value: { inputs: [{ address: B }, { address: B }], outputs: [] } },
      { typeUrl: "/consensus.v1.MsgReportCommit", value: { signatures: [{ validator: A }, { validator: B }] } },
      { typeUrl: "/bank.v1.MsgBurn", value: { from: A } },
    ];
    expect(show(progressOf(A, tx({ msgs })))).to.deep.equal(["A:first_transfer", "B:first_transfer", "B:first_multisend", "A:+signedCommits", "B:+signedCommits", "A:first_transaction?"]);
  });

  it("only a commit report counts commit signatures: another message carrying a signatures list counts nothing", () => {
    const msgs = [{ typeUrl: "/bridge.v1.MsgSubmitSignatures", value: { signatures: [{ validator: A }, { validator: B }] } }];
    expect(show(progressOf(A, tx({ msgs })))).to.deep.equal(["A:first_transaction?"]);
  });

  it("events: each module's event to the account it names", () => {
    const events = [
      ev("bank.transfer", { from: A, to: B, amount: "1nxt" }),
      ev("dex.swap", { sender: A }),
      ev("dex.mint", { sender: B }),
      ev("dex.pool_created", { creator: A }),
      ev("gov.deposit", { depositor: B }),
      ev("gov.vote", { voter: A }),
      ev("gov.proposal_submitted", { proposer: B }),
      ev("arbitration.dispute_filed", { plaintiff: A }),
      ev("staking.create_validator", { operator: B }),
      ev("staking.delegate", { delegator: A }),
      ev("bridge.outbound", { sender: A }),
      ev("bridge.outbound", { sender: B, kind: "bhls" }),
    ];
    expect(show(progressOf(A, tx({ events })))).to.deep.equal([
      "A:first_swap",
      "B:+liquidity",
      "A:pool_creator",
      "B:first_deposit",
      "A:+votes",
      "B:first_proposal",
      "A:first_dispute",
      "B:validator",
      "A:first_delegation",
      "A:bridge_out",
      "A:first_transaction?",
    ]);
  });

  it("swaps: a route through two pools, an exact-output swap (the first swap comes from its event)", () => {
    const msgs = [
      { typeUrl: "/dex.v1.MsgSwapExactIn", value: { sender: A, route: ["nxt", "devusd"] } },
      { typeUrl: "/dex.v1.MsgSwapExactIn", value: { sender: A, route: ["nxt", "devusd", "atom"] } },
      { typeUrl: "/dex.v1.MsgSwapExactOut", value: { sender: B, route: ["nxt", "devusd"] } },
    ];
    expect(show(progressOf(A, tx({ msgs })))).to.deep.equal(["A:multi_hop_swap", "B:exact_out_swap", "A:first_transaction?"]);
  });

  it("citizens: a first registration earns the badge and counts a referral; a renewal earns nothing", () => {
    expect(show(progressOf(B, tx({ events: [ev("bhls.citizen_registered", { citizen: A, renewed: "false" })] })))).to.deep.equal(["A:citizen", "A:registered", "B:first_transaction?"]);
    expect(show(progressOf(B, tx({ events: [ev("bhls.citizen_registered", { citizen: A, renewed: "true" })] })))).to.deep.equal(["B:first_transaction?"]);
  });

  it("claims: streaks of exactly 1, 3 and 12 epochs", () => {
    const claim = (streak: number): string[] => show(progressOf(A, tx({ events: [ev("bhls.claim", { citizen: A, streak: String(streak) })] }))).slice(0, -1);
    expect([1, 2, 3, 4, 11, 12, 13].map(claim)).to.deep.equal([["A:first_claim"], [], ["A:claim_streak_3"], [], [], ["A:claim_streak_12"], []]);
  });

  it("garbled values earn nothing instead of throwing; a huge report is cut at the bound", () => {
    const garbled = [
      { typeUrl: "/bank.v1.MsgSend", value: { from: 7 } },
      { typeUrl: "/bank.v1.MsgMultiSend", value: { inputs: "x" } },
      { typeUrl: "/consensus.v1.MsgReportCommit", value: null },
    ];
    expect(show(progressOf(A, tx({ msgs: garbled as never })))).to.deep.equal(["A:first_transaction?"]);
    const sigs = Array.from({ length: 2000 }, () => ({ validator: B }));
    // Cut to leave room for the three transaction-count steps (one here: nonce 5 passed the first).
    expect(progressOf(A, tx({ msgs: [{ typeUrl: "/consensus.v1.MsgReportCommit", value: { signatures: sigs } }] }))).to.have.length(MAX_PROGRESS_PER_TX - 3 + 1);
    // Just above the cut (1 100 > 1 097) is cut too; just below it is not.
    const at = (n: number): number => progressOf(A, tx({ msgs: [{ typeUrl: "/consensus.v1.MsgReportCommit", value: { signatures: Array.from({ length: n }, () => ({ validator: B })) } }] })).length;
    expect([at(1100), at(1097), at(1096)]).to.deep.equal([1098, 1098, 1097]);
  });
});
