/**
 * Everything the arbiter agent knows about the on-chain "arbitration" module
 * (modules/ai-arbitration), in one file: the wire contract's query paths, event type, message
 * typeUrl and shapes. The agent reaches the node only through the RPC client (HTTP JSON-RPC
 * for queries and transactions, the WebSocket for events), behind the two small interfaces
 * below, so a test can stand in for the node.
 */
import type { Msg } from "../../runtime/tx/envelope.ts";
import type { AccountView, ChainStatus, ReceiptView, TxStatusView } from "../../runtime/node/node-api.ts";
import type { EventFilter, EventNotification, Subscription } from "../../runtime/rpc/client.ts";
import type { ArbitrationCase, Decision } from "../../plugins/arbiters/decider.ts";

export const SUBMIT_RULING_TYPE_URL = "/arbitration.v1.MsgSubmitRuling";
export const ASSIGNED_EVENT = "arbitration.assigned";
export const Q_CASE = "arbitration/case";
export const Q_ASSIGNED = "arbitration/assigned";
export const Q_ARBITERS = "arbitration/arbiters";

export interface SubmitRulingValue {
  arbiter: string;
  caseId: number;
  round: number;
  decision: Decision;
  confidence: number;
  rationaleHash: string;
}

export function submitRulingMsg(v: SubmitRulingValue): Msg {
  return { typeUrl: SUBMIT_RULING_TYPE_URL, value: { arbiter: v.arbiter, caseId: v.caseId, round: v.round, decision: v.decision, confidence: v.confidence, rationaleHash: v.rationaleHash } };
}

/** arbitration.assigned { arbiter, caseId, round, deadlineMs } (attributes are strings on the wire). */
export interface AssignedEvent {
  arbiter: string;
  caseId: number;
  round: number;
  deadlineMs: number;
}

export function parseAssigned(attrs: Record<string, string>): AssignedEvent | undefined {
  const caseId = Number(attrs.caseId);
  const round = Number(attrs.round);
  const deadlineMs = Number(attrs.deadlineMs ?? "0");
  if (!attrs.arbiter || !Number.isSafeInteger(caseId) || caseId < 0 || !Number.isSafeInteger(round) || round < 1) return undefined;
  return { arbiter: attrs.arbiter, caseId, round, deadlineMs: Number.isFinite(deadlineMs) ? deadlineMs : 0 };
}

/** The part of NexusClient (runtime/rpc/client.ts) the agent uses. */
export interface ArbiterRpc {
  status(): Promise<ChainStatus>;
  query<T = unknown>(path: string, params?: Record<string, unknown>): Promise<T>;
  getAccount(address: string): Promise<AccountView>;
  sendTx(tx: Uint8Array): Promise<{ hash: string }>;
  getTx(hash: string): Promise<TxStatusView>;
  waitForTx(hash: string, opts?: { timeoutMs?: number; intervalMs?: number }): Promise<ReceiptView>;
}

/** The part of NexusWsClient the agent uses. */
export interface ArbiterWs {
  call<T>(method: string, params?: unknown[] | Record<string, unknown>): Promise<T>;
  subscribeEvents(filter: EventFilter, onEvent: (e: EventNotification) => void): Promise<Subscription>;
  close(): Promise<void>;
}

/** modules/ai-arbitration's code for a case id it does not know. */
function isNotFound(e: unknown): boolean {
  return (e as { codeName?: unknown })?.codeName === "ARBITRATION_UNKNOWN_CASE";
}

/** Typed access to the arbitration module over the RPC. */
export class ArbitrationChain {
  constructor(readonly rpc: ArbiterRpc) {}

  /** Open rounds where `arbiter` sits on the panel and has not ruled yet. */
  async assigned(arbiter: string): Promise<ArbitrationCase[]> {
    const r = await this.rpc.query<{ cases?: ArbitrationCase[] }>(Q_ASSIGNED, { arbiter });
    return Array.isArray(r?.cases) ? r.cases : [];
  }

  /** The case, or null when the chain does not know it. */
  async getCase(caseId: number): Promise<ArbitrationCase | null> {
    try {
      const c = await this.rpc.query<ArbitrationCase | null>(Q_CASE, { caseId });
      return c && typeof c === "object" ? c : null;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  /** The registered arbiters; undefined when the node has no arbitration module (the query fails). */
  async arbiters(): Promise<string[] | undefined> {
    try {
      const r = await this.rpc.query<{ arbiters?: string[] }>(Q_ARBITERS, {});
      return Array.isArray(r?.arbiters) ? r.arbiters : [];
    } catch {
      return undefined;
    }
  }

  /** Whether the case's current round already holds a ruling of `arbiter`. */
  static hasRuled(c: ArbitrationCase, arbiter: string): boolean {
    return (c.rulings ?? []).some((r) => r.arbiter === arbiter);
  }

  /** arbitration.assigned events for `arbiter` (the filter's first attribute is arbiter, which the node indexes on). */
  static subscribeAssigned(ws: ArbiterWs, arbiter: string, onEvent: (e: AssignedEvent) => void): Promise<Subscription> {
    return ws.subscribeEvents({ type: ASSIGNED_EVENT, attributes: { arbiter } }, (n) => {
      const e = parseAssigned(n.event.attributes);
      if (e && e.arbiter === arbiter) onEvent(e);
    });
  }
}
