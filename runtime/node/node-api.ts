/**
 * What the RPC layer (and anything else outside the node) may ask of a running node.
 * Views are JSON-ready: amounts as decimal strings, bytes as lowercase hex, heights as numbers.
 */
import type { StateProof } from "../state/types.ts";

export interface CoinView {
  denom: string;
  amount: string;
}

export interface ChainStatus {
  chainId: string;
  height: number;
  /** State root after the latest committed block, hex. */
  stateRoot: string;
  latestBlockHash: string;
  /** Block time of the latest block, ms since the Unix epoch. */
  latestBlockTime: number;
  mempoolSize: number;
  nodeVersion: string;
  /** Present once the node has halted: it produces and accepts nothing until restarted. */
  halted?: { reason: string };
  /** Lowest height whose block this node holds: 1, or the snapshot height it state-synced from. */
  earliestBlockHeight?: number;
}

export interface EventView {
  type: string;
  attributes: Record<string, string>;
}

export interface ReceiptView {
  txHash: string;
  height: number;
  index: number;
  /** 0 = success; otherwise a TX_ERRORS number. */
  code: number;
  /** Symbolic code: "OK", "TX_MSG_FAILED", or a module's "BANK_INSUFFICIENT_FUNDS" ... */
  codeName: string;
  log: string;
  sender: string;
  nonce: string;
  band: number;
  /** E = h·f energy of the transaction bytes, attojoules rounded up. */
  energyAj: string;
  fee: string;
  events: EventView[];
}

export interface BlockHeaderView {
  chainId: string;
  height: number;
  time: number;
  prevHash: string;
  txRoot: string;
  stateRoot: string;
  resultsRoot: string;
  proposer: string;
}

export interface BlockView {
  hash: string;
  header: BlockHeaderView;
  /** Transaction hashes in block order. */
  txs: string[];
}

export type TxStatusView =
  | { status: "committed"; receipt: ReceiptView }
  | { status: "pending" }
  | { status: "unknown" };

export interface AccountView {
  address: string;
  /** Next nonce the account must use. */
  nonce: string;
  balances: CoinView[];
}

export interface ProofView {
  height: number;
  stateRoot: string;
  /** State key, hex (namespace prefix included). */
  key: string;
  /** Value, hex; null when the proof is an exclusion proof. */
  value: string | null;
  proof: StateProof;
}

export type NodeEvent =
  | {
      kind: "block";
      block: BlockView;
      receipts: ReceiptView[];
      /** Events of the block's own hooks (begin/end block: tallies, deadlines, epochs, fee routing). Optional: older producers of NodeEvents send none. */
      blockEvents?: EventView[];
    }
  /** The node stopped producing and voting: continuing would make it diverge (see the reason). */
  | { kind: "halt"; reason: string };

export interface NodeApi {
  readonly chainId: string;
  status(): ChainStatus;
  /** Runs checkTx; resolves with the hash once the transaction is in the mempool. Throws TxError. */
  submitTx(bytes: Uint8Array): Promise<{ hash: string }>;
  getTx(hashHex: string): TxStatusView;
  getBlock(ref: number | string): BlockView | undefined;
  getAccount(address: string): AccountView;
  getBalance(address: string, denom: string): CoinView;
  /** Proof of a raw state key (hex) against the latest state root. */
  prove(keyHex: string): ProofView;
  /** Proof of an account's balance in one denomination. */
  proveBalance(address: string, denom: string): ProofView;
  /** Module query, e.g. path "bank/supply" with params { denom: "unxt" }. */
  query(path: string, params: Record<string, unknown>): unknown;
  params(): Record<string, unknown>;
  /** Listen to committed blocks; returns the unsubscribe function. */
  subscribe(listener: (e: NodeEvent) => void): () => void;
  /** TEST ONLY (NEXUS_TEST_HOOKS=1): ignore all gossip from these peer ids ([] heals). */
  testPartition?(peers: string[]): { blocked: number };
}
