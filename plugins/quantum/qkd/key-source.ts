import { QuantumErrors } from "../errors.ts";

/**
 * A source of symmetric keys shared with one peer: a QKD link through its key-management
 * entity (ETSI GS QKD 014), or, in tests and devnets, the BB84 simulation in ./sim.
 * One side asks for fresh keys and sends their ids to the peer; the peer fetches the
 * same keys by id. Keys are delivered once.
 */
export interface SharedKey {
  /** Identifier both sides use for the key (ETSI 014: a UUID). */
  readonly keyId: string;
  readonly key: Uint8Array;
}

export interface KeySourceStatus {
  /** Keys ready for delivery, if the source can tell. */
  readonly storedKeyCount?: number;
  readonly keySizeBits: number;
  readonly maxKeysPerRequest?: number;
}

export interface KeySource {
  readonly id: string;
  /** Fresh keys for this side to use first (ETSI 014 "enc_keys"). */
  getKeys(count: number, sizeBits?: number): Promise<SharedKey[]>;
  /** The peer's keys by id (ETSI 014 "dec_keys"). */
  getKeysById(keyIds: readonly string[]): Promise<SharedKey[]>;
  status(): Promise<KeySourceStatus>;
}

export type QkdErrorCode = "QKD_HTTP_ERROR" | "QKD_BAD_RESPONSE" | "QKD_NETWORK" | "QKD_BAD_REQUEST" | "QKD_KEY_UNAVAILABLE";

export class QkdError extends QuantumErrors<QkdErrorCode> {
  constructor(
    code: QkdErrorCode,
    message: string,
    /** HTTP status when the KME answered with an error. */
    readonly status?: number,
    /** The KME's `details` array (ETSI 014 Error object), when given. */
    readonly details?: unknown[],
  ) {
    super(code, message, { ...(status !== undefined ? { status } : {}), ...(details !== undefined ? { details } : {}) });
  }
}
