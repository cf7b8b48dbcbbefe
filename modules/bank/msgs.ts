import type { FromSchema } from "json-schema-to-ts";
import type { MsgDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import { coinsSchema, parseCoins, type Coin } from "./coins.ts";
import { paramsSchema, type BankParams } from "./params.ts";
import { BankEvents } from "./events.ts";
import { BankError } from "./errors.ts";
import type { BankKeeper } from "./keeper/bank-keeper.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;

export const msgSendSchema = {
  $id: "https://nexusos.dev/schemas/bank.v1.MsgSend.json",
  type: "object",
  description: "transfer coins (the friendlier `tx bank send <key> <to> <amount>` is the same message)",
  properties: { from: address, to: { ...address, description: "recipient" }, amount: { ...coinsSchema, description: "coins to send", examples: ["1.5NXT"] } },
  required: ["from", "to", "amount"],
  additionalProperties: false,
} as const;
export type MsgSend = FromSchema<typeof msgSendSchema>;

const ioSchema = {
  type: "object",
  properties: { address, coins: coinsSchema },
  required: ["address", "coins"],
  additionalProperties: false,
} as const;

export const msgMultiSendSchema = {
  $id: "https://nexusos.dev/schemas/bank.v1.MsgMultiSend.json",
  type: "object",
  properties: {
    inputs: { type: "array", items: ioSchema, minItems: 1, maxItems: 100 },
    outputs: { type: "array", items: ioSchema, minItems: 1, maxItems: 100 },
  },
  required: ["inputs", "outputs"],
  additionalProperties: false,
} as const;
export type MsgMultiSend = FromSchema<typeof msgMultiSendSchema>;

export const msgBurnSchema = {
  $id: "https://nexusos.dev/schemas/bank.v1.MsgBurn.json",
  type: "object",
  description: "destroy coins from the sender's balance",
  properties: { from: address, amount: { ...coinsSchema, description: "coins to burn", examples: ["1NXT"] } },
  required: ["from", "amount"],
  additionalProperties: false,
} as const;
export type MsgBurn = FromSchema<typeof msgBurnSchema>;

/** Sent by the bank's authority (governance by default): replaces the whole params object. */
export const msgUpdateParamsSchema = {
  $id: "https://nexusos.dev/schemas/bank.v1.MsgUpdateParams.json",
  type: "object",
  properties: { authority: address, params: paramsSchema },
  required: ["authority", "params"],
  additionalProperties: false,
} as const;
export type MsgUpdateParams = FromSchema<typeof msgUpdateParamsSchema>;

/** Wire values: never reuse or renumber. */
export const BankTypeUrls = {
  Send: "/bank.v1.MsgSend",
  MultiSend: "/bank.v1.MsgMultiSend",
  Burn: "/bank.v1.MsgBurn",
  UpdateParams: "/bank.v1.MsgUpdateParams",
} as const;

/** Rules the schema cannot state. Bank has none beyond it today; kept so the message has one place to add them. */
export function validateBankParams(_p: BankParams): void {}

function sumByDenom(parts: readonly Coin[][]): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const coins of parts) for (const c of coins) m.set(c.denom, (m.get(c.denom) ?? 0n) + c.amount);
  return m;
}

export function bankMsgs(keeper: BankKeeper): MsgDef[] {
  const requireSendEnabled = (ctx: Parameters<MsgDef["handle"]>[0]): void => {
    if (!keeper.params(ctx).sendEnabled) throw new BankError("BANK_SEND_DISABLED", "transfers are disabled by the bank's sendEnabled parameter");
  };
  const send: MsgDef<MsgSend> = {
    typeUrl: BankTypeUrls.Send,
    schema: msgSendSchema,
    signers: (m) => [m.from],
    // Refused in checkTx, before a fee: zero amounts, a denomination twice, a blocked recipient.
    validate(m) {
      parseCoins(m.amount);
      keeper.requireNotBlocked(m.to);
    },
    handle(ctx, m) {
      requireSendEnabled(ctx);
      keeper.requireNotBlocked(m.to);
      keeper.send(ctx, m.from, m.to, parseCoins(m.amount));
    },
  };
  const multiSend: MsgDef<MsgMultiSend> = {
    typeUrl: BankTypeUrls.MultiSend,
    schema: msgMultiSendSchema,
    signers: (m) => [...new Set(m.inputs.map((i) => i.address))],
    validate(m) {
      for (const o of m.outputs) keeper.requireNotBlocked(o.address);
      const a = sumByDenom(m.inputs.map((i) => parseCoins(i.coins)));
      const b = sumByDenom(m.outputs.map((o) => parseCoins(o.coins)));
      for (const d of new Set([...a.keys(), ...b.keys()])) {
        if ((a.get(d) ?? 0n) !== (b.get(d) ?? 0n)) throw new BankError("BANK_MULTISEND_UNBALANCED", `inputs total ${a.get(d) ?? 0n}${d} but outputs total ${b.get(d) ?? 0n}${d}`);
      }
    },
    handle(ctx, m) {
      requireSendEnabled(ctx);
      const max = keeper.params(ctx).maxMultiSendEntries;
      if (m.inputs.length + m.outputs.length > max) {
        throw new BankError("BANK_INVALID_AMOUNT", `multi-send has ${m.inputs.length + m.outputs.length} entries, the limit is ${max}`);
      }
      for (const o of m.outputs) keeper.requireNotBlocked(o.address);
      const ins = m.inputs.map((i) => parseCoins(i.coins));
      const outs = m.outputs.map((o) => parseCoins(o.coins));
      const a = sumByDenom(ins);
      const b = sumByDenom(outs);
      const denoms = new Set([...a.keys(), ...b.keys()]);
      for (const d of denoms) {
        if ((a.get(d) ?? 0n) !== (b.get(d) ?? 0n)) {
          throw new BankError("BANK_MULTISEND_UNBALANCED", `inputs total ${a.get(d) ?? 0n}${d} but outputs total ${b.get(d) ?? 0n}${d}`);
        }
      }
      // Debit every input before crediting any output, so a failing input leaves no credit behind.
      const pool = "bank_multisend_escrow";
      m.inputs.forEach((i, k) => keeper.sendToModule(ctx, i.address, pool, ins[k]!));
      m.outputs.forEach((o, k) => keeper.sendFromModule(ctx, pool, o.address, outs[k]!));
    },
  };
  const burn: MsgDef<MsgBurn> = {
    typeUrl: BankTypeUrls.Burn,
    schema: msgBurnSchema,
    signers: (m) => [m.from],
    validate: (m) => void parseCoins(m.amount),
    handle(ctx, m) {
      keeper.burnFrom(ctx, m.from, parseCoins(m.amount));
    },
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: BankTypeUrls.UpdateParams,
    schema: msgUpdateParamsSchema,
    signers: (m) => [m.authority],
    handle(ctx, m) {
      if (m.authority !== keeper.authority) {
        throw new BankError("BANK_UNAUTHORIZED", `${m.authority} is not the bank's authority (${keeper.authority})`, { authority: keeper.authority });
      }
      validateBankParams(m.params);
      keeper.setParams(ctx, m.params);
      ctx.emit(BankEvents.ParamsUpdated, { authority: m.authority });
    },
  };
  return [send, multiSend, burn, updateParams] as MsgDef[];
}
