import type { FromSchema } from "json-schema-to-ts";
import { isAddress, moduleAddress } from "../../runtime/crypto/address.ts";
import { jsonCodec } from "../../runtime/state/collections/index.ts";

/** The params' one JSON Schema: genesis, MsgUpdateParams and the stored Item all use it. */
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

export type CounterParams = FromSchema<typeof paramsSchema>;

export const defaultParams = (): CounterParams => ({ maxStep: 100, snapshotEvery: 10, pricePerIncrement: "0" });

export const paramsCodec = jsonCodec<CounterParams>({ name: "counter.Params", schema: paramsSchema });

/** Rules the schema cannot state (none here: the place to add them). Returns what is wrong, or null. */
export function paramsProblem(_p: CounterParams): string | null {
  return null;
}

/** What the chain gives the module: who may update the params (default: the gov module account). */
export interface CounterConfig {
  readonly authority: string;
}

export function counterConfig(opts: { authority?: string } = {}): CounterConfig {
  const authority = opts.authority ?? moduleAddress("gov");
  if (!isAddress(authority)) throw new Error(`counter: authority "${authority}" is not an address`);
  return { authority };
}
