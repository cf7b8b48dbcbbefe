import { defineErrors } from "../../errors.ts";

/** Errors of the typed collections (codespace "collections"). Append only: never renumber. */
export const COLLECTION_ERRORS = {
  COLLECTION_BAD_KEY: 1, // a key value its codec cannot encode (wrong length, NUL in a string, out of range)
  COLLECTION_BAD_VALUE: 2, // a value its codec refuses (schema, undeclared bigint, negative amount)
  COLLECTION_CORRUPT: 3, // stored bytes that do not decode: a bug or a tampered store
  COLLECTION_BAD_CURSOR: 4, // a paging cursor that is not one this collection gave out
  COLLECTION_BAD_LIMIT: 5,
  COLLECTION_PREFIX_CONFLICT: 6, // two collections of one namespace whose prefixes overlap
} as const;

export type CollectionErrorCode = keyof typeof COLLECTION_ERRORS;

export class CollectionError extends defineErrors("collections", COLLECTION_ERRORS) {}
