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
} as const;

export type TxErrorCode = keyof typeof TX_ERRORS;

export class TxError extends Error {
  readonly number: number;
  constructor(
    readonly code: TxErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "TxError";
    this.number = TX_ERRORS[code];
  }
}

/** Error a module raises for a failed message: codespace is the module name. */
export class ModuleError extends Error {
  constructor(
    readonly codespace: string,
    readonly code: string,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ModuleError";
  }
}
