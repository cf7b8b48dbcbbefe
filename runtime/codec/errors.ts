import { defineErrors } from "../errors.ts";

/** Error codes of the codec package. Append only: numbers reach RPC errors; a retired code stays as a comment. */
export const CODEC_ERRORS = {
  CODEC_MALFORMED: 1, // bytes are not the canonical CBOR of the expected shape
} as const;

export type CodecErrorCode = keyof typeof CODEC_ERRORS;

/** Base of the codec package's errors (codespace "codec"). */
export const CodecErrors = defineErrors("codec", CODEC_ERRORS);
