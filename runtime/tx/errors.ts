import { checkErrorTable, defineErrors, NexusError, type ErrorContext, type ErrorTable, type NexusErrorOptions } from "../errors.ts";

/**
 * Transaction rejection codes. The numbers reach receipts and RPC errors: append only,
 * never renumber; a retired code stays here as a comment.
 */
export const TX_ERRORS = {
  TX_MALFORMED: 1, // bytes do not decode to a transaction
  TX_WRONG_CHAIN: 2,
  TX_BAD_SIGNATURE: 3,
  TX_NONCE_REPLAYED: 4, // nonce already used
  TX_NONCE_GAP: 5, // nonce ahead of the next expected one
  TX_FEE_TOO_LOW: 6,
  TX_TOO_LARGE: 7,
  TX_UNKNOWN_MSG: 8, // typeUrl nobody registered
  TX_BAND_FORBIDDEN: 9, // signer lacks the band's role
  TX_INVALID_MSG: 10, // body fails its message schema
  TX_INSUFFICIENT_FEE_BALANCE: 11,
  TX_UNKNOWN_SCHEME: 12,
  TX_SENDER_MISMATCH: 13, // first signer's key does not derive the sender address
  TX_EXPIRED: 14, // past its timeout height
  TX_MEMPOOL_FULL: 15,
  TX_DUPLICATE: 16, // same hash already in the mempool or chain
  TX_MSG_FAILED: 17, // a message handler failed during execution
  TX_MISSING_SIGNER: 18, // a message needs a signature that is not on the transaction
  TX_MEMPOOL_REPLACED: 19, // evicted by a same-nonce transaction with a higher tip
  TX_NONCE_FREE_NONCE: 20, // a nonce-free transaction (one-time messages only) with a nonce other than 0
  TX_ONE_TIME_PENDING: 21, // another pending transaction does the same one-time action
} as const;

export type TxErrorCode = keyof typeof TX_ERRORS;

export class TxError extends defineErrors("tx", TX_ERRORS) {}

/**
 * Error a module raises for a failed message: codespace is the module name, and its code
 * reaches the failed transaction's receipt (codeName) and the RPC. A module declares its
 * table and class with defineModuleErrors (below) rather than constructing this directly.
 */
export class ModuleError<C extends string = string> extends NexusError<C> {
  constructor(codespace: string, code: C, message: string, context: ErrorContext = {}, opts: NexusErrorOptions = {}) {
    super(codespace, code, message, context, opts);
  }
}

/** The class defineModuleErrors returns: like NexusErrorClass, but its errors are ModuleErrors. */
export interface ModuleErrorClass<C extends string> {
  new <K extends C = C>(code: K, message: string, context?: ErrorContext, opts?: { readonly cause?: unknown }): ModuleError<K> & { readonly number: number };
  readonly prototype: ModuleError<C> & { readonly number: number };
  readonly codespace: string;
  readonly codes: Readonly<Record<C, number>>;
}

/**
 * A chain module's error class, codespace = the module's name, codes and numbers from its
 * append-only table (modules/<name>/errors.ts):
 *
 *     export const COUNTER_ERRORS = { COUNTER_STEP_TOO_LARGE: 1, COUNTER_UNDERFLOW: 2 } as const;
 *     export class CounterError extends defineModuleErrors("counter", COUNTER_ERRORS) {}
 */
export function defineModuleErrors<T extends ErrorTable>(module: string, table: T): ModuleErrorClass<keyof T & string> {
  checkErrorTable(module, table);
  type C = keyof T & string;
  const ModuleErrors = class extends ModuleError<C> {
    static readonly codespace = module;
    static readonly codes = table;
    constructor(code: C, message: string, context: ErrorContext = {}, opts: { readonly cause?: unknown } = {}) {
      super(module, code, message, context, { number: table[code], cause: opts.cause });
    }
  };
  Object.defineProperty(ModuleErrors, "name", { value: `ModuleError(${module})` });
  return ModuleErrors as unknown as ModuleErrorClass<C>;
}
