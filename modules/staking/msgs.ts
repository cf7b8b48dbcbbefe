import type { FromSchema } from "json-schema-to-ts";
import type { MsgDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { StakingError } from "./errors.ts";
import { StakingEvents } from "./events.ts";
import { paramsProblem, paramsSchema } from "./params.ts";
import type { StakingKeeper } from "./keeper/staking-keeper.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const amount = { type: "string", pattern: AMOUNT_PATTERN } as const;
const bps = { type: "integer", minimum: 0, maximum: 10000 } as const;
const moniker = { type: "string", minLength: 1, maxLength: 64 } as const;
export const PUBKEY_PATTERN = "^[0-9a-f]{64}$";

const schema = <const P extends Record<string, unknown>, const R extends readonly string[]>(name: string, properties: P, required: R, description?: string) =>
  ({ $id: `https://nexusos.dev/schemas/staking.v1.${name}.json`, type: "object", ...(description ? { description } : {}), properties, required, additionalProperties: false }) as const;

/** The same field with the words the CLI's --help shows (a JSON Schema annotation). */
const described = <const S extends object>(s: S, description: string, examples?: readonly unknown[]) => ({ ...s, description, ...(examples ? { examples } : {}) }) as S & { description: string };

export const msgCreateValidatorSchema = schema(
  "MsgCreateValidator",
  {
    operator: address,
    /** Ed25519 consensus public key, 32 bytes as lowercase hex. */
    consensusPubKey: described({ type: "string", pattern: PUBKEY_PATTERN }, "Ed25519 consensus public key, 64 lowercase hex digits (`nexus show-validator`)"),
    band: described({ type: "integer", minimum: 1, maximum: 7 }, "declared spectral band, counted by the spectral-diversity commit rule"),
    moniker: described(moniker, "the validator's public name"),
    /** Self-delegation in base units of NXT. */
    amount: described(amount, "self-delegation", ["100000NXT"]),
    commissionRateBps: described(bps, "commission on delegators' rewards, basis points (100 = 1%)"),
    maxCommissionRateBps: described(bps, "the highest commission this validator may ever set, basis points"),
    maxCommissionChangeRateBps: described(bps, "the largest commission change per day, basis points"),
    minSelfDelegation: described(amount, "self-delegation below which the validator is jailed"),
  },
  ["operator", "consensusPubKey", "band", "moniker", "amount"] as const,
  "bond stake and become a validator candidate (the operator signs)",
);
export type MsgCreateValidator = FromSchema<typeof msgCreateValidatorSchema>;

export const msgEditValidatorSchema = schema(
  "MsgEditValidator",
  { operator: address, moniker: described(moniker, "new public name"), commissionRateBps: described(bps, "new commission, basis points (at most once a day, within the max change)"), minSelfDelegation: described(amount, "new minimum self-delegation (may only rise)") },
  ["operator"] as const,
  "change a validator's moniker, commission or minimum self-delegation",
);
export type MsgEditValidator = FromSchema<typeof msgEditValidatorSchema>;

export const msgDelegateSchema = schema("MsgDelegate", { delegator: address, validator: described(address, "the validator's operator address"), amount: described(amount, "stake to delegate", ["1000NXT"]) }, ["delegator", "validator", "amount"] as const, "delegate stake to a validator");
export type MsgDelegate = FromSchema<typeof msgDelegateSchema>;

export const msgUndelegateSchema = schema("MsgUndelegate", { delegator: address, validator: described(address, "the validator's operator address"), amount: described(amount, "stake to unbond (returned after the unbonding time)", ["1000NXT"]) }, ["delegator", "validator", "amount"] as const, "start unbonding stake from a validator");
export type MsgUndelegate = FromSchema<typeof msgUndelegateSchema>;

export const msgBeginRedelegateSchema = schema(
  "MsgBeginRedelegate",
  { delegator: address, srcValidator: address, dstValidator: address, amount },
  ["delegator", "srcValidator", "dstValidator", "amount"] as const,
);
export type MsgBeginRedelegate = FromSchema<typeof msgBeginRedelegateSchema>;

export const msgUnjailSchema = schema("MsgUnjail", { operator: address }, ["operator"] as const, "return a jailed validator to the candidates once its jail time is over");
export type MsgUnjail = FromSchema<typeof msgUnjailSchema>;

export const msgWithdrawRewardsSchema = schema("MsgWithdrawRewards", { delegator: address, validator: described(address, "the validator's operator address") }, ["delegator", "validator"] as const, "withdraw the rewards of a delegation");
export type MsgWithdrawRewards = FromSchema<typeof msgWithdrawRewardsSchema>;

export const msgWithdrawCommissionSchema = schema("MsgWithdrawCommission", { operator: address }, ["operator"] as const, "withdraw the validator's accumulated commission");
export type MsgWithdrawCommission = FromSchema<typeof msgWithdrawCommissionSchema>;

/** Sent by staking's authority (governance by default): replaces the whole params object. */
export const msgUpdateParamsSchema = schema("MsgUpdateParams", { authority: address, params: paramsSchema }, ["authority", "params"] as const);
export type MsgUpdateParams = FromSchema<typeof msgUpdateParamsSchema>;

/** Wire values: never reuse or renumber. */
export const StakingTypeUrls = {
  CreateValidator: "/staking.v1.MsgCreateValidator",
  EditValidator: "/staking.v1.MsgEditValidator",
  Delegate: "/staking.v1.MsgDelegate",
  Undelegate: "/staking.v1.MsgUndelegate",
  BeginRedelegate: "/staking.v1.MsgBeginRedelegate",
  Unjail: "/staking.v1.MsgUnjail",
  WithdrawRewards: "/staking.v1.MsgWithdrawRewards",
  WithdrawCommission: "/staking.v1.MsgWithdrawCommission",
  UpdateParams: "/staking.v1.MsgUpdateParams",
} as const;

function positive(s: string, what: string): bigint {
  const n = BigInt(s);
  if (n <= 0n) throw new StakingError("STAKING_INVALID_AMOUNT", `${what} must be positive, got ${s}`);
  return n;
}

export function stakingMsgs(keeper: StakingKeeper): MsgDef[] {
  const create: MsgDef<MsgCreateValidator> = {
    typeUrl: StakingTypeUrls.CreateValidator,
    schema: msgCreateValidatorSchema,
    signers: (m) => [m.operator],
    handle(ctx, m) {
      keeper.createValidator(ctx, {
        operator: m.operator,
        consensusPubKey: m.consensusPubKey,
        band: m.band,
        moniker: m.moniker,
        amount: positive(m.amount, "self-delegation"),
        commissionRateBps: m.commissionRateBps,
        maxCommissionRateBps: m.maxCommissionRateBps,
        maxCommissionChangeRateBps: m.maxCommissionChangeRateBps,
        minSelfDelegation: m.minSelfDelegation === undefined ? undefined : positive(m.minSelfDelegation, "minimum self-delegation"),
      });
    },
  };
  const edit: MsgDef<MsgEditValidator> = {
    typeUrl: StakingTypeUrls.EditValidator,
    schema: msgEditValidatorSchema,
    signers: (m) => [m.operator],
    handle(ctx, m) {
      keeper.editValidator(ctx, {
        operator: m.operator,
        moniker: m.moniker,
        commissionRateBps: m.commissionRateBps,
        minSelfDelegation: m.minSelfDelegation === undefined ? undefined : positive(m.minSelfDelegation, "minimum self-delegation"),
      });
    },
  };
  const delegate: MsgDef<MsgDelegate> = {
    typeUrl: StakingTypeUrls.Delegate,
    schema: msgDelegateSchema,
    signers: (m) => [m.delegator],
    handle: (ctx, m) => void keeper.delegate(ctx, m.delegator, m.validator, positive(m.amount, "amount")),
  };
  const undelegate: MsgDef<MsgUndelegate> = {
    typeUrl: StakingTypeUrls.Undelegate,
    schema: msgUndelegateSchema,
    signers: (m) => [m.delegator],
    handle: (ctx, m) => void keeper.undelegate(ctx, m.delegator, m.validator, positive(m.amount, "amount")),
  };
  const redelegate: MsgDef<MsgBeginRedelegate> = {
    typeUrl: StakingTypeUrls.BeginRedelegate,
    schema: msgBeginRedelegateSchema,
    signers: (m) => [m.delegator],
    handle: (ctx, m) => void keeper.redelegate(ctx, m.delegator, m.srcValidator, m.dstValidator, positive(m.amount, "amount")),
  };
  const unjail: MsgDef<MsgUnjail> = {
    typeUrl: StakingTypeUrls.Unjail,
    schema: msgUnjailSchema,
    signers: (m) => [m.operator],
    handle: (ctx, m) => keeper.unjail(ctx, m.operator),
  };
  const withdraw: MsgDef<MsgWithdrawRewards> = {
    typeUrl: StakingTypeUrls.WithdrawRewards,
    schema: msgWithdrawRewardsSchema,
    signers: (m) => [m.delegator],
    handle(ctx, m) {
      if (!keeper.delegation(ctx, m.delegator, m.validator)) {
        throw new StakingError("STAKING_DELEGATION_NOT_FOUND", `${m.delegator} has no delegation to ${m.validator}`);
      }
      keeper.withdrawRewards(ctx, m.delegator, m.validator);
    },
  };
  const withdrawCommission: MsgDef<MsgWithdrawCommission> = {
    typeUrl: StakingTypeUrls.WithdrawCommission,
    schema: msgWithdrawCommissionSchema,
    signers: (m) => [m.operator],
    handle: (ctx, m) => void keeper.withdrawCommission(ctx, m.operator),
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: StakingTypeUrls.UpdateParams,
    schema: msgUpdateParamsSchema,
    signers: (m) => [m.authority],
    handle(ctx, m) {
      if (m.authority !== keeper.authority) {
        throw new StakingError("STAKING_UNAUTHORIZED", `${m.authority} is not staking's authority (${keeper.authority})`, { authority: keeper.authority });
      }
      const problem = paramsProblem(m.params);
      if (problem) throw new StakingError("STAKING_INVALID_PARAMS", problem);
      keeper.setParams(ctx, m.params);
      ctx.emit(StakingEvents.ParamsUpdated, { authority: m.authority });
    },
  };
  return [create, edit, delegate, undelegate, redelegate, unjail, withdraw, withdrawCommission, updateParams] as MsgDef[];
}
