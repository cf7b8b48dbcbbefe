import { expect } from "chai";
import { SubscriptionHub, WsSession, type Sink } from "../../runtime/rpc/subscriptions.ts";
import type { NodeApi, NodeEvent, ReceiptView } from "../../runtime/node/node-api.ts";

/** A node whose events the test emits. */
function fakeApi(): { api: NodeApi; emit(e: NodeEvent): void } {
  let listener: ((e: NodeEvent) => void) | undefined;
  const api = { subscribe: (l: (e: NodeEvent) => void) => ((listener = l), () => (listener = undefined)) } as unknown as NodeApi;
  return { api, emit: (e) => listener?.(e) };
}

class Captured implements Sink {
  readonly got: { subscription: string; result: any }[] = [];
  send(data: string, done: () => void): void {
    const m = JSON.parse(data) as { params: { subscription: string; result: unknown } };
    this.got.push(m.params);
    done();
  }
  close(): void {}
  terminate(): void {}
}

const receipt = (index: number, events: { type: string; attributes: Record<string, string> }[]): ReceiptView =>
  ({ txHash: `${index}`.padStart(64, "0"), height: 5, index, code: 0, codeName: "OK", log: "", sender: "", nonce: "0", band: 1, energyAj: "0", fee: "0", events }) as ReceiptView;

describe("rpc/subscriptions: the hub's index delivers each matching event once, in block order", () => {
  it("routes by type and attributes, serialises once, and forgets unsubscribed and closed sessions", () => {
    const { api, emit } = fakeApi();
    const hub = new SubscriptionHub(api, (e) => {
      throw e;
    });
    const limits = { maxSubscriptions: 8, maxBufferedBytes: 1 << 20 };
    const [a, b] = [new Captured(), new Captured()];
    const sa = new WsSession(a, limits);
    const sb = new WsSession(b, limits);
    hub.add(sa);
    hub.add(sb);
    const toBob = sa.subscribe("events", { type: "bank.transfer", attributes: { to: "bob" } });
    const fromAliceToBob = sb.subscribe("events", { type: "bank.transfer", attributes: { to: "bob", from: "alice" } });
    const anyClaim = sb.subscribe("events", { attributes: { citizen: "carol" } });
    const blocks = sb.subscribe("newBlocks", undefined);
    const block = { hash: "ab".repeat(32), header: { height: 5 }, txs: [] } as never;
    emit({
      kind: "block",
      block,
      receipts: [
        receipt(0, [{ type: "bank.transfer", attributes: { from: "alice", to: "bob", amount: "1nxt" } }]),
        receipt(1, [{ type: "bank.transfer", attributes: { from: "dave", to: "bob", amount: "2nxt" } }, { type: "bhls.claim", attributes: { citizen: "carol" } }]),
        receipt(2, [{ type: "bank.transfer", attributes: { from: "alice", to: "erin", amount: "3nxt" } }]),
      ],
    });
    expect(a.got.map((g) => [g.subscription, g.result.txIndex])).to.deep.equal([[toBob, 0], [toBob, 1]]);
    expect(b.got.map((g) => [g.subscription, g.result.txIndex ?? "block"])).to.deep.equal([[blocks, "block"], [fromAliceToBob, 0], [anyClaim, 1]]);
    expect(b.got[0]!.result).to.deep.equal(block);
    // Unsubscribed and closed sessions get nothing more.
    expect(sa.unsubscribe(toBob)).to.equal(true);
    hub.remove(sb);
    emit({ kind: "block", block, receipts: [receipt(0, [{ type: "bank.transfer", attributes: { from: "alice", to: "bob", amount: "1nxt" } }])] });
    expect(a.got).to.have.length(2);
    expect(b.got).to.have.length(3);
  });

  it("delivers the events of a block's own hooks (end block: a proposal ended) with no transaction: txHash \"\", txIndex -1", () => {
    let emit: (e: NodeEvent) => void = () => undefined;
    const api = { subscribe: (l: (e: NodeEvent) => void) => ((emit = l), () => undefined) } as unknown as NodeApi;
    const hub = new SubscriptionHub(api, (e) => {
      throw e;
    });
    const c = new Captured();
    const s = new WsSession(c, { maxSubscriptions: 8, maxBufferedBytes: 1 << 20 });
    hub.add(s);
    const ended = s.subscribe("events", { type: "gov.proposal_ended", attributes: { proposalId: "7" } });
    const block = { hash: "cd".repeat(32), header: { height: 9 }, txs: [] } as never;
    emit({
      kind: "block",
      block,
      receipts: [receipt(0, [{ type: "bank.transfer", attributes: { from: "alice", to: "bob", amount: "1nxt" } }])],
      blockEvents: [
        { type: "gov.proposal_ended", attributes: { proposalId: "6", status: "rejected" } },
        { type: "gov.proposal_ended", attributes: { proposalId: "7", status: "passed" } },
      ],
    });
    expect(c.got.map((g) => g.result)).to.deep.equal([{ height: 9, blockHash: "cd".repeat(32), txHash: "", txIndex: -1, event: { type: "gov.proposal_ended", attributes: { proposalId: "7", status: "passed" } } }]);
    expect(c.got[0]!.subscription).to.equal(ended);
  });
});
