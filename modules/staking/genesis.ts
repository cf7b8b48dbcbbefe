import type { FromSchema } from "json-schema-to-ts";
import type { Ctx, GenesisDef, ValidatorUpdate } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { fromHex, toHex } from "../../runtime/crypto/hash.ts";
import { paramsSchema, defaultParams, paramsProblem } from "./params.ts";
import { PARAMS_KEY } from "./keys.ts";
import { PUBKEY_PATTERN } from "./msgs.ts";
import { StakingError } from "./errors.ts";
import type { StakingKeeper } from "./keeper/staking-keeper.ts";

export const stakingGenesisSchema = {
  $id: "https://nexusos.dev/schemas/staking.v1.Genesis.json",
  type: "object",
  properties: {
    params: paramsSchema,
    /**
     * Gentx-like list: each entry creates a validator and bonds `amount` from the operator's
     * balance (which the bank section of the same genesis must provide).
     */
    validators: {
      type: "array",
      maxItems: 1000,
      items: {
        type: "object",
        properties: {
          operator: { type: "string", pattern: ADDRESS_PATTERN },
          consensusPubKey: { type: "string", pattern: PUBKEY_PATTERN },
          band: { type: "integer", minimum: 1, maximum: 7 },
          amount: { type: "string", pattern: AMOUNT_PATTERN },
          moniker: { type: "string", minLength: 1, maxLength: 64 },
          commissionRateBps: { type: "integer", minimum: 0, maximum: 10000 },
        },
        required: ["operator", "consensusPubKey", "band", "amount"],
        additionalProperties: false,
      },
    },
    /**
     * Exported state: every entry of the staking namespace (params excluded) as hex key/value
     * pairs, restored verbatim. Produced by export; the bank section of the same export holds
     * the matching pool balances.
     */
    state: {
      type: "array",
      items: {
        type: "object",
        properties: { key: { type: "string", pattern: "^([0-9a-f]{2})+$" }, value: { type: "string", pattern: "^([0-9a-f]{2})*$" } },
        required: ["key", "value"],
        additionalProperties: false,
      },
    },
  },
  required: ["params", "validators"],
  additionalProperties: false,
} as const;

export type StakingGenesis = FromSchema<typeof stakingGenesisSchema>;

export function defaultStakingGenesis(): StakingGenesis {
  return { params: defaultParams(), validators: [] };
}

/**
 * Imported state starts a new chain at height 0 (Cosmos "zero-height" export): entry creation
 * heights and liveness windows restart at 0, and the current set becomes the set of height 1.
 * Walks the imported state once, at genesis only.
 */
function rebaseToZeroHeight(ctx: Ctx, keeper: StakingKeeper): void {
  for (const e of [...keeper.delegations.allUnbondings(ctx)]) keeper.delegations.setUnbonding(ctx, { ...e, creationHeight: 0 });
  for (const e of [...keeper.delegations.allRedelegations(ctx)]) keeper.delegations.setRedelegation(ctx, { ...e, creationHeight: 0 });
  for (const v of [...keeper.allValidators(ctx)]) {
    keeper.store.setValidator(ctx, { ...v, createdHeight: 0 });
    const info = keeper.store.signingInfo(ctx, v.operator);
    if (info) keeper.store.setSigningInfo(ctx, v.operator, { ...info, startHeight: 0 });
  }
  keeper.valset.rebaseHistory(ctx);
}

export function stakingGenesis(keeper: StakingKeeper): GenesisDef<StakingGenesis> {
  return {
    schema: stakingGenesisSchema,
    defaults: defaultStakingGenesis,
    init(ctx: Ctx, g: StakingGenesis): ValidatorUpdate[] {
      const problem = paramsProblem(g.params);
      if (problem) throw new StakingError("STAKING_GENESIS_INVALID", `genesis params: ${problem}`);
      keeper.setParams(ctx, g.params);
      const kv = keeper.store.kv(ctx);
      for (const e of g.state ?? []) {
        const key = fromHex(e.key);
        if (key[0] === PARAMS_KEY[0]) throw new StakingError("STAKING_GENESIS_INVALID", "genesis state must not carry params; use the params field");
        kv.set(key, fromHex(e.value));
      }
      if (g.state && g.state.length > 0) rebaseToZeroHeight(ctx, keeper);
      for (const [i, v] of g.validators.entries()) {
        const amount = BigInt(v.amount);
        if (amount <= 0n) throw new StakingError("STAKING_GENESIS_INVALID", `genesis validator ${i} (${v.operator}) bonds nothing`);
        try {
          keeper.createValidator(ctx, {
            operator: v.operator,
            consensusPubKey: v.consensusPubKey,
            band: v.band,
            moniker: v.moniker ?? `validator-${i}`,
            amount,
            commissionRateBps: v.commissionRateBps,
          });
        } catch (e) {
          throw new StakingError("STAKING_GENESIS_INVALID", `genesis validator ${i} (${v.operator}): ${(e as Error).message}`);
        }
      }
      if (g.validators.length > 0) keeper.applyValidatorSetUpdates(ctx);
      // InitChain's answer: the whole set of height 1 (also after a zero-height import).
      return keeper.activeSetFor(ctx, 1).map((m) => ({ address: m.operator, power: m.power, consensusPubKey: m.consensusPubKey, band: m.band }));
    },
    export(ctx: Ctx): StakingGenesis {
      const state: { key: string; value: string }[] = [];
      for (const [k, v] of keeper.store.kv(ctx).iterate(new Uint8Array(0), undefined)) {
        if (k[0] === PARAMS_KEY[0] && k.length === 1) continue;
        state.push({ key: toHex(k), value: toHex(v) });
      }
      return { params: { ...keeper.params(ctx) }, validators: [], state };
    },
  };
}
