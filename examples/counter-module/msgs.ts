import type { FromSchema } from "json-schema-to-ts";
import type { MsgDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import type { CounterKeeper } from "./keeper/counter-keeper.ts";
import { paramsProblem, paramsSchema } from "./params.ts";
import { CounterError } from "./errors.ts";
import { CounterEvents } from "./events.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;

/** One JSON Schema per message; the TypeScript type is derived from it. */
export const msgChangeSchema = {
  $id: "https://nexusos.dev/schemas/counter.v1.MsgChange.json",
  type: "object",
  properties: {
    owner: address,
    /** Signed decimal step, e.g. "5" or "-2". */
    step: { type: "string", pattern: "^-?[1-9][0-9]{0,17}$" },
  },
  required: ["owner", "step"],
  additionalProperties: false,
} as const;
export type MsgChange = FromSchema<typeof msgChangeSchema>;

/** Every module with params has one: the authority replaces the whole params object. */
export const msgUpdateParamsSchema = {
  $id: "https://nexusos.dev/schemas/counter.v1.MsgUpdateParams.json",
  type: "object",
  properties: { authority: address, params: paramsSchema },
  required: ["authority", "params"],
  additionalProperties: false,
} as const;
export type MsgUpdateParams = FromSchema<typeof msgUpdateParamsSchema>;

/** Wire values: never reuse or renumber. */
export const CounterTypeUrls = { Change: "/counter.v1.MsgChange", UpdateParams: "/counter.v1.MsgUpdateParams" } as const;

export function counterMsgs(keeper: CounterKeeper): MsgDef[] {
  const change: MsgDef<MsgChange> = {
    typeUrl: CounterTypeUrls.Change,
    schema: msgChangeSchema,
    signers: (m) => [m.owner], // only the owner may change its counter
    handle: (ctx, m) => void keeper.change(ctx, m.owner, BigInt(m.step)),
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: CounterTypeUrls.UpdateParams,
    schema: msgUpdateParamsSchema,
    // The runtime checks that `authority` signed; the handler checks that it IS the authority.
    signers: (m) => [m.authority],
    handle(ctx, m) {
      if (m.authority !== keeper.authority) throw new CounterError("COUNTER_UNAUTHORIZED", `${m.authority} is not the counter's authority (${keeper.authority})`);
      const problem = paramsProblem(m.params);
      if (problem) throw new CounterError("COUNTER_INVALID_PARAMS", problem);
      keeper.setParams(ctx, m.params);
      ctx.emit(CounterEvents.ParamsUpdated, { authority: m.authority });
    },
  };
  return [change, updateParams] as MsgDef[];
}
