/** Error codes of the state layer. Stable strings: callers and logs match on them. */
export type StateErrorCode =
  | "STATE_READ_ONLY_PARENT"
  | "STATE_INVALID_KEY"
  | "STATE_DUPLICATE_KEY"
  | "STATE_STALE_STAGE"
  | "STATE_BAD_HEIGHT"
  | "STATE_CLOSED"
  | "STATE_CORRUPT";

export class StateError extends Error {
  readonly code: StateErrorCode;
  readonly context: Readonly<Record<string, unknown>>;
  constructor(code: StateErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = "StateError";
    this.code = code;
    this.context = context;
  }
}
