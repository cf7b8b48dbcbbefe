/**
 * The one base of every NexusOS error (ARCHITECTURE.md, conventions 4 and 5).
 *
 * A NexusError has
 *   - `code`: a stable SCREAMING_SNAKE string (`BANK_INSUFFICIENT_FUNDS`): API, never renamed;
 *   - `codespace`: the package or module that owns the code ("tx", "node", "consensus", "bank");
 *   - `context`: the values that explain this occurrence (amounts, heights, the offending field);
 *   - `number`: the code's number in its package's table, when it has one. The numbers reach
 *     receipts and RPC errors: a table is append-only, and a retired code stays as a comment;
 *   - `name`: the subclass's name ("BankError"), set once here.
 *
 * A package (or module) declares its table and its error class in its errors.ts:
 *
 *     export const BANK_ERRORS = { BANK_INSUFFICIENT_FUNDS: 1, BANK_SEND_DISABLED: 2 } as const;
 *     export type BankErrorCode = keyof typeof BANK_ERRORS;
 *     export class BankError extends defineModuleErrors("bank", BANK_ERRORS) {}
 *     throw new BankError("BANK_SEND_DISABLED", "sends of nxt are disabled", { denom: "nxt" });
 *
 * (defineModuleErrors, in runtime/tx/errors.ts, is defineErrors for a chain module: its errors
 * are ModuleErrors, which a failed transaction's receipt reports.) A class with a fixed code
 * passes its code to the base: `class AddressError extends CryptoErrors<"ADDRESS_INVALID">`.
 *
 * The RPC server maps a NexusError by type (runtime/rpc/protocol.ts, docs/rpc.md); anything
 * else that escapes a handler is an internal error, logged and never shown to a client.
 */

/** The values that explain one occurrence of an error; JSON-friendly (bigint and bytes are fine on the RPC). */
export type ErrorContext = Record<string, unknown>;

/** A package's table: code → number. Append only; numbers are positive integers, each used once. */
export type ErrorTable = Readonly<Record<string, number>>;

export interface NexusErrorOptions {
  /** The code's number in its package's table. */
  readonly number?: number;
  /** The error this one explains (ES2022 `cause`). */
  readonly cause?: unknown;
}

export class NexusError<C extends string = string> extends Error {
  readonly code: C;
  readonly codespace: string;
  readonly context: Readonly<ErrorContext>;
  readonly number?: number;

  constructor(codespace: string, code: C, message: string, context: ErrorContext = {}, opts: NexusErrorOptions = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = new.target.name || "NexusError";
    this.code = code;
    this.codespace = codespace;
    this.context = context;
    if (opts.number !== undefined) this.number = opts.number;
  }

  /**
   * For a caller that knows where the error arose (a genesis section, say) and rethrows it:
   * prefixes the message with `where: ` and adds to the context. Class, code and number stay.
   */
  within(where: string, context: ErrorContext = {}): this {
    if (!this.message.startsWith(`${where}: `)) this.message = `${where}: ${this.message}`;
    (this as { context: Readonly<ErrorContext> }).context = { ...this.context, ...context };
    return this;
  }

  /** What a log line or a JSON dump shows (an Error's own fields are not enumerable). */
  toJSON(): { name: string; codespace: string; code: C; number?: number; message: string; context: Readonly<ErrorContext> } {
    return { name: this.name, codespace: this.codespace, code: this.code, ...(this.number !== undefined ? { number: this.number } : {}), message: this.message, context: this.context };
  }
}

/** A NexusError whose code comes from its package's table, so it always has a number. */
export type TableError<K extends string> = NexusError<K> & { readonly number: number };

/**
 * The class defineErrors returns. Generic in the code, so a subclass with one fixed code keeps
 * it as a literal type: `class HomeError extends NodeErrors<"HOME_EXISTS">`.
 */
export interface NexusErrorClass<C extends string> {
  new <K extends C = C>(code: K, message: string, context?: ErrorContext, opts?: { readonly cause?: unknown }): TableError<K>;
  readonly prototype: TableError<C>;
  readonly codespace: string;
  readonly codes: Readonly<Record<C, number>>;
}

/** Throws unless every number of the table is a positive safe integer used once. */
export function checkErrorTable(codespace: string, table: ErrorTable): void {
  const seen = new Map<number, string>();
  for (const [code, n] of Object.entries(table)) {
    if (!/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(code)) throw new TypeError(`error table "${codespace}": code "${code}" must be SCREAMING_SNAKE with a prefix (BANK_INSUFFICIENT_FUNDS)`);
    if (!Number.isSafeInteger(n) || n <= 0) throw new TypeError(`error table "${codespace}": ${code} = ${n}; numbers are positive integers`);
    const other = seen.get(n);
    if (other !== undefined) throw new TypeError(`error table "${codespace}": ${code} and ${other} share number ${n}; numbers are append-only and never reused`);
    seen.set(n, code);
  }
}

/**
 * The error class of one package: codespace fixed, codes and numbers from `table`.
 * Extend it to name it: `export class StateError extends defineErrors("state", STATE_ERRORS) {}`.
 */
export function defineErrors<T extends ErrorTable>(codespace: string, table: T): NexusErrorClass<keyof T & string> {
  checkErrorTable(codespace, table);
  type C = keyof T & string;
  const PackageError = class extends NexusError<C> {
    static readonly codespace = codespace;
    static readonly codes = table;
    constructor(code: C, message: string, context: ErrorContext = {}, opts: { readonly cause?: unknown } = {}) {
      super(codespace, code, message, context, { number: table[code], cause: opts.cause });
    }
  };
  Object.defineProperty(PackageError, "name", { value: `NexusError(${codespace})` });
  return PackageError as unknown as NexusErrorClass<C>;
}

export function isNexusError(e: unknown): e is NexusError {
  return e instanceof NexusError;
}

/**
 * Codes that mean this node's own files are damaged (a record failing its checksum). Such an
 * error is never a transaction's result: the other nodes' data is intact, so a receipt built
 * on it would make this node diverge. Execution stops instead, and the node halts.
 */
const LOCAL_DATA_DAMAGE = new Set(["STATE_CORRUPT", "NODE_DATA_DAMAGED"]);

export function isLocalDataDamage(e: unknown): boolean {
  return e instanceof NexusError && LOCAL_DATA_DAMAGE.has(e.code);
}
