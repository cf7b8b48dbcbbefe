import type { FromSchema } from "json-schema-to-ts";
import type { MsgDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import type { CounterKeeper } from "./keeper/counter-keeper.ts";

/** One JSON Schema per message; the TypeScript type is derived from it. */
export const msgChangeSchema = {
  $id: "https://nexusos.dev/schemas/counter.v1.MsgChange.json",
  type: "object",
  properties: {
    owner: { type: "string", pattern: ADDRESS_PATTERN },
    /** Signed decimal step, e.g. "5" or "-2". */
    step: { type: "string", pattern: "^-?[1-9][0-9]{0,17}$" },
  },
  required: ["owner", "step"],
  additionalProperties: false,
} as const;
export type MsgChange = FromSchema<typeof msgChangeSchema>;

export const CounterTypeUrls = { Change: "/counter.v1.MsgChange" } as const;

export function counterMsgs(keeper: CounterKeeper): MsgDef[] {
  const change: MsgDef<MsgChange> = {
    typeUrl: CounterTypeUrls.Change,
    schema: msgChangeSchema,
    signers: (m) => [m.owner], // only the owner may change its counter
    handle: (ctx, m) => void keeper.change(ctx, m.owner, BigInt(m.step)),
  };
  return [change as MsgDef];
}
