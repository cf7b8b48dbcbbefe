export const paramsSchema = {
  type: "object",
  properties: {
    /** Largest step one message may add or subtract. */
    maxStep: { type: "integer", minimum: 1, maximum: 1000000 },
    /** The end-block hook writes a snapshot every this many blocks. */
    snapshotEvery: { type: "integer", minimum: 1 },
    /** Base units of NXT paid to the counter's module account per increment (0 = free). */
    pricePerIncrement: { type: "string", pattern: "^(0|[1-9][0-9]{0,30})$" },
  },
  required: ["maxStep", "snapshotEvery", "pricePerIncrement"],
  additionalProperties: false,
} as const;

export interface CounterParams {
  maxStep: number;
  snapshotEvery: number;
  pricePerIncrement: string;
}

export const defaultParams = (): CounterParams => ({ maxStep: 100, snapshotEvery: 10, pricePerIncrement: "0" });
