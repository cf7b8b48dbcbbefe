import type { FromSchema } from "json-schema-to-ts";
import type { Ctx, GenesisDef } from "../../runtime/modules/types.ts";
import { AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { defaultParams, paramsProblem, paramsSchema } from "./params.ts";
import { attestorSchema, bridgeClaimSchema, citizenSchema, epochShareSchema } from "./records.ts";
import { BhlsError } from "./errors.ts";
import * as K from "./keys.ts";
import type { BhlsKeeper } from "./keeper/bhls-keeper.ts";

/** An epoch share with the claims paid in that epoch (stored apart: a counter per claim). */
const epochShareGenesisSchema = {
  ...epochShareSchema,
  properties: { ...epochShareSchema.properties, claims: { type: "string", pattern: AMOUNT_PATTERN } },
  required: [...epochShareSchema.required, "claims"],
} as const;

export const bhlsGenesisSchema = {
  $id: "https://nexusos.dev/schemas/bhls.v1.Genesis.json",
  type: "object",
  properties: {
    params: paramsSchema,
    attestors: { type: "array", items: attestorSchema },
    citizens: { type: "array", items: citizenSchema },
    epochShares: { type: "array", items: epochShareGenesisSchema },
    bridgeClaims: { type: "array", items: bridgeClaimSchema },
    nextBridgeClaimId: { type: "integer", minimum: 0 },
  },
  required: ["params", "attestors", "citizens", "epochShares", "bridgeClaims", "nextBridgeClaimId"],
  additionalProperties: false,
} as const;

export type BhlsGenesis = FromSchema<typeof bhlsGenesisSchema>;

export function defaultBhlsGenesis(): BhlsGenesis {
  return { params: defaultParams(), attestors: [], citizens: [], epochShares: [], bridgeClaims: [], nextBridgeClaimId: 0 };
}

const bad = (message: string): BhlsError => new BhlsError("BHLS_GENESIS_INVALID", message);

/**
 * Import recomputes every counter (citizens, per attestor, the escrow total) from the lists,
 * so an exported state imports to the same state. The escrow's balance itself is bank's
 * genesis: the invariant checks the two agree.
 */
export function bhlsGenesis(keeper: BhlsKeeper): GenesisDef<BhlsGenesis> {
  return {
    schema: bhlsGenesisSchema,
    defaults: defaultBhlsGenesis,
    init(ctx: Ctx, g: BhlsGenesis): void {
      const problem = paramsProblem(g.params);
      if (problem) throw bad(`params: ${problem}`);
      keeper.setParams(ctx, g.params);
      for (const a of g.attestors) {
        if (K.Attestors.has(ctx, a.address)) throw bad(`attestor ${a.address} listed twice`);
        K.Attestors.set(ctx, a.address, a);
      }
      for (const c of g.citizens) {
        if (K.Citizens.has(ctx, c.address)) throw bad(`citizen ${c.address} listed twice`);
        if (K.PhoneHashes.has(ctx, c.phoneHash)) throw bad(`phone hash ${c.phoneHash} belongs to two citizens`);
        keeper.putCitizen(ctx, c);
      }
      // Registration numbers go on after the highest imported one (an exported chain's order is kept).
      let maxSeq = -1;
      for (const c of g.citizens) if (c.seq !== undefined && c.seq > maxSeq) maxSeq = c.seq;
      if (maxSeq >= 0) K.RegistrationSeq.set(ctx, BigInt(maxSeq + 1));
      for (const s of g.epochShares) {
        if (K.EpochShares.has(ctx, s.epoch)) throw bad(`epoch share ${s.epoch} listed twice`);
        const { claims, ...share } = s;
        K.EpochShares.set(ctx, s.epoch, share);
        if (BigInt(claims) > 0n) K.EpochClaims.set(ctx, s.epoch, BigInt(claims));
      }
      let total = 0n;
      for (const b of g.bridgeClaims) {
        if (K.BridgeClaims.has(ctx, b.id)) throw bad(`bridge claim ${b.id} listed twice`);
        if (b.id >= g.nextBridgeClaimId) throw bad(`bridge claim ${b.id} is not below nextBridgeClaimId ${g.nextBridgeClaimId}`);
        K.BridgeClaims.set(ctx, b.id, b);
        total += BigInt(b.amount);
      }
      if (total > 0n) K.BridgeTotal.set(ctx, total);
      K.BridgeSeq.set(ctx, BigInt(g.nextBridgeClaimId));
    },
    /** Walks every citizen: export only (never in a block). */
    export(ctx: Ctx): BhlsGenesis {
      return {
        params: { ...keeper.params(ctx), bridgeChains: [...keeper.params(ctx).bridgeChains] },
        attestors: [...K.Attestors.values(ctx)],
        citizens: [...K.Citizens.values(ctx)],
        epochShares: [...K.EpochShares.values(ctx)].map((s) => ({ ...s, claims: keeper.claims.epochClaims(ctx, s.epoch).toString() })),
        bridgeClaims: [...K.BridgeClaims.values(ctx)],
        nextBridgeClaimId: Number(K.BridgeSeq.peek(ctx)),
      };
    },
  };
}
