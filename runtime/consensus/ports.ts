import type { Logger } from "pino";
import type { Execution, Prechecked } from "../app/application.ts";
import type { Block, BlockHeader } from "../app/block.ts";
import type { SigVerifier } from "../app/sig-verifier.ts";
import type { BlockInfo, ValidatorUpdate } from "../modules/types.ts";
import type { DecodedTx } from "../tx/envelope.ts";

/**
 * The consensus engine's view of the node it runs in: four narrow ports, so the engine can
 * be driven by fakes in tests and never reaches into the node, its stores or its modules.
 * NexusNode supplies small adapters (runtime/node/consensus-ports.ts).
 *
 *     BftEngine ──app──▶ prepare/processProposal, tx prechecks, signature verifier
 *               ──pool─▶ reap, get/has, a peer's tx, checked batches
 *               ──store▶ block bytes, commits, candidates, validator sets
 *               ──host─▶ chain id, height, latest block, serial(), halt(), commitBlock
 */

export type { ValidatorUpdate };

/** What the engine needs of the application (ABCI++ shaped). */
export interface ConsensusApplication {
  params(): { readonly maxBlockTxs: number; readonly maxBlockBytes: number };
  prepareProposal(info: BlockInfo, candidates: readonly DecodedTx[]): { txs: DecodedTx[]; execution: Execution };
  processProposal(header: BlockHeader, txs: readonly Uint8Array[]): Promise<{ accept: true; execution: Execution } | { accept: false; reason: string }>;
  /** Stateless checks of a gossiped transaction (throws on anything malformed). */
  precheckTx(bytes: Uint8Array): Prechecked;
  /** Verify signatures of transactions this node has not checked (remembered by the app). */
  verifyUnchecked(txs: readonly DecodedTx[]): Promise<void>;
  readonly signatureVerifier: SigVerifier;
  /** A transaction the app verified and has not seen committed, by hash (hex). */
  knownTx(hashHex: string): { readonly bytes: Uint8Array } | undefined;
  /** Next nonce of an account in committed state (the proposer's consensus report). */
  nonce(address: string): bigint;
  /** A query over committed state (the report asks the consensus chain module). */
  query(path: string, params: Record<string, unknown>): unknown;
  /** A signature consensus verified (a commit's precommits): the chain module need not verify it again. */
  rememberVerified(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): void;
}

/** The transaction pool. */
export interface ConsensusPool {
  reap(maxTxs: number, maxBytes: number, localBefore?: number): DecodedTx[];
  has(hashHex: string): boolean;
  get(hashHex: string): Uint8Array | undefined;
  /** When this node's own client submitted it (undefined for a peer's transaction). */
  localAt(hashHex: string): number | undefined;
  /** A peer's transaction: full admission, dropped quietly if known or invalid. */
  submitPeerTx(bytes: Uint8Array): Promise<unknown>;
  /** A peer's batch whose stateless checks and signatures gossip validation already did. */
  admitCheckedBatch(items: readonly { bytes: Uint8Array; pre: Prechecked; sigOk: readonly boolean[] }[]): Promise<number>;
  /** Called with each transaction this node admits from its own clients (to gossip it); undefined unsets. */
  onLocalTx(listener: ((bytes: Uint8Array) => void) | undefined): void;
}

/** The chain store: committed blocks and what consensus keeps beside them. */
export interface ConsensusStore {
  blockBytes(height: number): Uint8Array | undefined;
  /** Encoded commit certificate of a block. */
  commit(height: number): Uint8Array | undefined;
  /** Encoded validator set of `height` (engine/valset.ts). */
  validatorSet(height: number): Uint8Array | undefined;
  /** The set of height 1, written once outside any block. */
  writeInitialValidatorSet(height: number, bytes: Uint8Array): void;
  /** Proposed blocks kept durably until their height is committed. */
  candidatesAt(height: number): Uint8Array[];
  saveCandidate(height: number, hash: Uint8Array, bytes: Uint8Array): void;
}

export type ConsensusLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

/** The node around the engine. */
export interface ConsensusHost {
  readonly chainId: string;
  /** ms since the Unix epoch. */
  readonly genesisTime: number;
  /** Last committed height. */
  readonly height: number;
  latestBlock(): { header: BlockHeader; hash: Uint8Array } | undefined;
  /** Run `f` after every earlier task: building, validation, commits and sync never interleave. */
  serial<T>(f: () => Promise<T>): Promise<T>;
  /** Stop the node: something happened that would make it diverge. */
  halt(reason: string): void;
  readonly logger: ConsensusLogger;
  now(): number;
  /** Persist an executed block with its certificate and the next height's validator set, atomically. */
  commitBlock(block: Block, txHashes: readonly Uint8Array[], execution: Execution, consensus: { commit: Uint8Array; nextValidatorSet: Uint8Array }, opts: { synced?: boolean }): void;
  /** The application's InitChain validator updates: the validator set of height 1. */
  genesisValidatorUpdates(): readonly ValidatorUpdate[];
}

export interface ConsensusPorts {
  readonly app: ConsensusApplication;
  readonly pool: ConsensusPool;
  readonly store: ConsensusStore;
  readonly host: ConsensusHost;
}

/** What produces a node's blocks: the single-validator producer or the BFT engine. */
export interface BlockProducer {
  start(): Promise<void>;
  stop(): Promise<void>;
}
