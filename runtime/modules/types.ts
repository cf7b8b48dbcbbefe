import type { ContainerModule, ServiceIdentifier } from "inversify";
import type { KVStore } from "../state/types.ts";
import type { Band } from "../tx/bands.ts";
import type { Msg } from "../tx/envelope.ts";

/** Header facts a module may read: time comes from here, never from a clock. */
export interface BlockInfo {
  readonly chainId: string;
  readonly height: number;
  /** Block time, ms since the Unix epoch (set by the proposer, checked by consensus). */
  readonly time: number;
  readonly proposer: string;
  /**
   * Hash of the previous block's header, hex (64 zeros at height 1 and in genesis): the one
   * value every validator agrees on that no single party picks freely, so deterministic draws
   * (arbitration panels) seed from it.
   */
  readonly prevHash: string;
}

/** prevHash of the first block and of genesis: 32 zero bytes, hex. */
export const GENESIS_PREV_HASH = "0".repeat(64);

export type ExecMode = "genesis" | "check" | "deliver" | "query";

export interface ChainEvent {
  readonly type: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** What every hook and handler gets: block facts, namespaced state, an event sink. */
export interface Ctx {
  readonly block: BlockInfo;
  readonly mode: ExecMode;
  /** The state of one module namespace (a module uses its own name) on the current branch. */
  kv(namespace: string): KVStore;
  emit(type: string, attributes: Record<string, string>): void;
}

/** A message handler's context: who signed and in which band. */
export interface MsgCtx extends Ctx {
  readonly sender: string;
  readonly band: Band;
  /** Addresses whose signatures the transaction carries (sender first). */
  readonly signers: readonly string[];
  readonly txHash: string;
}

export interface JsonSchemaObject {
  readonly $id: string;
  readonly type: "object";
  readonly [k: string]: unknown;
}

export interface MsgDef<T = any> {
  /** "/<module>.v<N>.Msg<Name>": a wire value, never reused. */
  readonly typeUrl: string;
  /** JSON Schema of the message value (draft 2020-12, additionalProperties: false). */
  readonly schema: JsonSchemaObject;
  /** Lowest band a transaction carrying this message may use (default NANO). */
  readonly minBand?: Band;
  /** Addresses that must have signed the transaction. */
  signers(msg: T): string[];
  /**
   * Stateless checks the schema cannot state (amounts above zero, no denomination twice), run
   * in checkTx: a message that fails them is refused before it costs a fee (Cosmos's
   * ValidateBasic). Throws the module's error; returns nothing when the message is well formed.
   */
  validate?(msg: T): void;
  /** Throws ModuleError to fail the transaction; its writes are then discarded. */
  handle(ctx: MsgCtx, msg: T): void;
  /**
   * A message the module itself lets happen at most once (Substrate's ValidateUnsigned): a
   * transaction whose every message has a one-time key is nonce-free. It carries nonce 0,
   * leaves the sender's nonce as it is (one state write less), and is protected against
   * replay by the module's own rule instead: `check` runs before any fee, at admission and in
   * the block, and must refuse (throwing the module's error) whenever `handle` would fail, so
   * a nonce-free transaction either does its one-time action or fails without a fee.
   */
  readonly oneTime?: {
    /** The action's key (unique per action, e.g. "bhls/claim/<citizen>/<epoch>"), or undefined: this message uses the nonce. */
    key(msg: T, sender: string): string | undefined;
    /** Read-only: throws the module's error when `handle` would fail now. */
    check(ctx: Ctx, msg: T, sender: string): void;
  };
}

export interface GenesisDef<G = any> {
  readonly schema: JsonSchemaObject;
  defaults(): G;
  /** May return the validator set it creates (ABCI InitChain): the set of height 1. */
  init(ctx: Ctx, genesis: G): ValidatorUpdate[] | void;
  export(ctx: Ctx): G;
}

export interface QueryDef<P = any, R = unknown> {
  readonly schema: JsonSchemaObject;
  handle(ctx: Ctx, params: P): R;
}

export interface ValidatorUpdate {
  /** The validator's operator address. */
  readonly address: string;
  /** 0 removes the validator from the set. */
  readonly power: bigint;
  /** Ed25519 consensus key, hex (absent only for updates that just change power). */
  readonly consensusPubKey?: string;
  /** Declared spectral band 1..7, counted by the spectral-diversity commit rule. */
  readonly band?: number;
}

/** What a transaction's messages did, handed to modules that react to transactions (achievements). */
export interface TxOutcome {
  /** The transaction's nonce: how many transactions its sender had sent before it. */
  readonly nonce: bigint;
  readonly msgs: readonly Msg[];
  /** The events its messages emitted, in order (not the ante handler's fee event). */
  readonly events: readonly ChainEvent[];
}

/** Behaviour of a module, resolved from the container so it gets its keepers injected. */
export interface ModuleInstance<G = any> {
  readonly msgs?: readonly MsgDef[];
  readonly genesis?: GenesisDef<G>;
  readonly queries?: Readonly<Record<string, QueryDef>>;
  /** Each returns null when it holds, or a message saying what is broken. */
  readonly invariants?: Readonly<Record<string, (ctx: Ctx) => string | null>>;
  /** migrations[v] upgrades state from version v-1 to v. */
  readonly migrations?: Readonly<Record<number, (ctx: Ctx) => void>>;
  beginBlock?(ctx: Ctx): void;
  /**
   * Runs after every transaction whose messages all succeeded, in module load order, on the
   * messages' branch: its writes and events belong to the transaction (Cosmos's PostHandler).
   * Bounded work only, proportional to the outcome's events; a throw fails the transaction as a
   * failing message does. Not run for messages a module routes (governance, arbitration).
   */
  afterTx?(ctx: MsgCtx, tx: TxOutcome): void;
  /** Bounded work only. May return validator-set updates (applied at H+2 by consensus). */
  endBlock?(ctx: Ctx): ValidatorUpdate[] | void;
  /**
   * The members of the validator set consensus uses at `height` (power > 0), as the module that
   * returns validator updates recorded them in state, for heights up to the committed one + 2.
   * State sync checks the validator sets peers serve against it: a header's commit is trusted
   * only if it verifies against a set the synced state itself records. At most one module of a
   * chain implements it (the one whose endBlock returns the updates).
   */
  consensusSet?(ctx: Ctx, height: number): ValidatorUpdate[];
}

/** A module: one folder, registered with the node by this definition object. */
export interface ChainModule {
  /** Also the error codespace and state namespace. */
  readonly name: string;
  /** Bump with a migration when the state layout changes. */
  readonly version: number;
  readonly dependsOn?: readonly string[];
  /** inversify bindings: keepers, the instance, services other modules may use. */
  readonly bindings: ContainerModule;
  /** Token the instance is bound to in `bindings`. */
  readonly instance: ServiceIdentifier<ModuleInstance>;
}
