import { defineErrors } from "../../runtime/errors.ts";

/**
 * The attestor service's error codes (append only). Each HTTP error the API answers carries one
 * as error.code; docs/attestor.md lists them with their HTTP statuses.
 */
export const ATTESTOR_ERRORS = {
  ATTESTOR_CONFIG_INVALID: 1,
  ATTESTOR_BAD_REQUEST: 2, // 400: a field is missing or malformed
  ATTESTOR_BAD_JSON: 3, // 400: the body is not JSON
  ATTESTOR_BODY_TOO_LARGE: 4, // 413
  ATTESTOR_UNSUPPORTED_MEDIA_TYPE: 5, // 415: not application/json
  ATTESTOR_INVALID_PHONE: 6, // 400: not E.164, or the provider refuses the number
  ATTESTOR_INVALID_ADDRESS: 7, // 400
  ATTESTOR_UNKNOWN_VERIFICATION: 8, // 404
  ATTESTOR_VERIFICATION_EXPIRED: 9, // 410
  ATTESTOR_CODE_INCORRECT: 10, // 422: wrong code, attempts left
  ATTESTOR_TOO_MANY_ATTEMPTS: 11, // 429
  ATTESTOR_RESEND_TOO_SOON: 12, // 429
  ATTESTOR_RATE_LIMITED: 13, // 429: per-phone or per-client limit
  ATTESTOR_VERIFICATION_USED: 14, // 409: this verification already produced an attestation
  ATTESTOR_PHONE_IN_USE: 15, // 409: the chain says another address holds this phone (BHLS_PHONE_HASH_IN_USE)
  ATTESTOR_SUBMIT_REFUSED: 16, // 502: the chain refused the registration (BHLS_UNKNOWN_ATTESTOR, BHLS_WRONG_CHAIN, BHLS_ATTESTATION_EXPIRED …)
  ATTESTOR_PROVIDER_FAILED: 17, // 502/503: the SMS provider failed or refused us
  ATTESTOR_WRONG_CHAIN: 18, // the node runs another chain than the config's / the attestation's
  ATTESTOR_KEY: 19, // the attestor key cannot be loaded or is not Ed25519
  ATTESTOR_SALT: 20, // the salt file is missing, short or unreadable
  ATTESTOR_JOURNAL: 21, // the journal cannot be written or read
  ATTESTOR_NO_ROUTE: 22, // 404: no such endpoint
  ATTESTOR_INTERNAL: 23, // 500
  ATTESTOR_BUSY: 24, // 503: too many pending verifications
} as const;
export type AttestorErrorCode = keyof typeof ATTESTOR_ERRORS;

export class AttestorError extends defineErrors("attestor", ATTESTOR_ERRORS) {}

/** HTTP status of each code the API can answer. */
export const HTTP_STATUS: Partial<Record<AttestorErrorCode, number>> = {
  ATTESTOR_BAD_REQUEST: 400,
  ATTESTOR_BAD_JSON: 400,
  ATTESTOR_BODY_TOO_LARGE: 413,
  ATTESTOR_UNSUPPORTED_MEDIA_TYPE: 415,
  ATTESTOR_INVALID_PHONE: 400,
  ATTESTOR_INVALID_ADDRESS: 400,
  ATTESTOR_UNKNOWN_VERIFICATION: 404,
  ATTESTOR_VERIFICATION_EXPIRED: 410,
  ATTESTOR_CODE_INCORRECT: 422,
  ATTESTOR_TOO_MANY_ATTEMPTS: 429,
  ATTESTOR_RESEND_TOO_SOON: 429,
  ATTESTOR_RATE_LIMITED: 429,
  ATTESTOR_VERIFICATION_USED: 409,
  ATTESTOR_PHONE_IN_USE: 409,
  ATTESTOR_SUBMIT_REFUSED: 502,
  ATTESTOR_PROVIDER_FAILED: 502,
  ATTESTOR_WRONG_CHAIN: 502,
  ATTESTOR_NO_ROUTE: 404,
  ATTESTOR_INTERNAL: 500,
  ATTESTOR_BUSY: 503,
};
