/** Errors of the typed collections. Codes are API: append only. */
export type CollectionErrorCode =
  | "COLLECTION_BAD_KEY" // a key value its codec cannot encode (wrong length, NUL in a string, out of range)
  | "COLLECTION_BAD_VALUE" // a value its codec refuses (schema, undeclared bigint, negative amount)
  | "COLLECTION_CORRUPT" // stored bytes that do not decode: a bug or a tampered store
  | "COLLECTION_BAD_CURSOR" // a paging cursor that is not one this collection gave out
  | "COLLECTION_BAD_LIMIT"
  | "COLLECTION_PREFIX_CONFLICT"; // two collections of one namespace whose prefixes overlap

export class CollectionError extends Error {
  constructor(
    readonly code: CollectionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "CollectionError";
  }
}
