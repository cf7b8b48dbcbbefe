import type { FromSchema } from "json-schema-to-ts";
import type { Ctx, GenesisDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { BridgeError } from "./errors.ts";
import { attestationKeyProblem } from "./families.ts";
import * as K from "./keys.ts";
import { CHAIN_NAME_PATTERN, FAMILIES, chainSettingsProblem, chainSettingsSchema, defaultParams, paramsSchema, type ChainSettings } from "./params.ts";
import { DIRECTIONS, OUTBOUND_RESULTS, ZERO_TOTALS, chainTotalsSchema, inboundContentSchema, inboundSchema, outboundSchema, setUpdateSignatureSchema, type Inbound, type Outbound } from "./records.ts";
import type { BridgeKeeper } from "./keeper/bridge-keeper.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const amount = { type: "string", pattern: AMOUNT_PATTERN } as const;
const chain = { type: "string", pattern: CHAIN_NAME_PATTERN } as const;
const seq = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
const hex64 = { type: "string", pattern: "^[0-9a-f]{64}$" } as const;
const obj = <const P extends Record<string, unknown>, const R extends readonly string[]>(properties: P, required: R) => ({ type: "object", properties, required, additionalProperties: false }) as const;
const list = <const I>(items: I) => ({ type: "array", items }) as const;

export const bridgeGenesisSchema = {
  $id: "https://nexusos.dev/schemas/bridge.v1.Genesis.json",
  type: "object",
  properties: {
    params: paramsSchema,
    chains: list(chainSettingsSchema),
    nextSeqs: list(obj({ chain, next: seq }, ["chain", "next"] as const)),
    totals: list(obj({ chain, ...chainTotalsSchema.properties }, ["chain", "lockedOut", "refundedOut", "executedOut", "creditedIn"] as const)),
    buckets: list(obj({ chain, direction: { enum: DIRECTIONS }, tokens: amount, updatedAt: { type: "integer", minimum: 0 } }, ["chain", "direction", "tokens", "updatedAt"] as const)),
    attestationKeys: list(obj({ validator: address, family: { enum: FAMILIES }, key: { type: "string", maxLength: 130 } }, ["validator", "family", "key"] as const)),
    outbound: list(outboundSchema),
    outboundSignatures: list(obj({ chain, seq, validator: address, key: { type: "string", maxLength: 130 }, signature: { type: "string", maxLength: 132 } }, ["chain", "seq", "validator", "key", "signature"] as const)),
    resultVotes: list(obj({ chain, seq, validator: address, result: { enum: OUTBOUND_RESULTS } }, ["chain", "seq", "validator", "result"] as const)),
    inbound: list(inboundSchema),
    inboundContents: list(obj({ chain, seq, contentHash: hex64, content: inboundContentSchema }, ["chain", "seq", "contentHash", "content"] as const)),
    inboundVotes: list(obj({ chain, seq, validator: address, contentHash: hex64 }, ["chain", "seq", "validator", "contentHash"] as const)),
    /** Approved inbound transfers waiting to be credited, first first (FIFO per chain). */
    waiting: list(obj({ chain, seq }, ["chain", "seq"] as const)),
    creditRetries: list(obj({ chain, retryAtMs: { type: "integer", minimum: 0 } }, ["chain", "retryAtMs"] as const)),
    /** Per chain, the last BHLS epoch an epoch-update outbound was made for (absent: none yet). */
    bhlsEpochs: list(obj({ chain, epoch: { type: "integer", minimum: 1 } }, ["chain", "epoch"] as const)),
    /** ValidatorSetUpdate signatures collected for EVM chains (keeper/set-updates.ts). */
    setUpdateSignatures: list(obj({ chain, setId: seq, validator: address, signature: setUpdateSignatureSchema }, ["chain", "setId", "validator", "signature"] as const)),
  },
  required: ["params", "chains", "nextSeqs", "totals", "buckets", "attestationKeys", "outbound", "outboundSignatures", "resultVotes", "inbound", "inboundContents", "inboundVotes", "waiting", "creditRetries"],
  additionalProperties: false,
} as const;

export type BridgeGenesis = FromSchema<typeof bridgeGenesisSchema>;

export function defaultBridgeGenesis(): BridgeGenesis {
  return { params: defaultParams(), chains: [], nextSeqs: [], totals: [], buckets: [], attestationKeys: [], outbound: [], outboundSignatures: [], resultVotes: [], inbound: [], inboundContents: [], inboundVotes: [], waiting: [], creditRetries: [] };
}

const bad = (message: string): BridgeError => new BridgeError("BRIDGE_GENESIS_INVALID", message);

/** The escrow's balance is bank's genesis: the invariant checks it against the totals imported here. */
export function bridgeGenesis(keeper: BridgeKeeper): GenesisDef<BridgeGenesis> {
  return {
    schema: bridgeGenesisSchema,
    defaults: defaultBridgeGenesis,
    init(ctx: Ctx, g: BridgeGenesis): void {
      keeper.setParams(ctx, g.params);
      if (g.chains.length > g.params.maxChains) throw bad(`${g.chains.length} chains, params.maxChains is ${g.params.maxChains}`);
      for (const c of g.chains as ChainSettings[]) {
        const problem = chainSettingsProblem(c);
        if (problem) throw bad(problem);
        if (K.Chains.has(ctx, c.name)) throw bad(`chain ${c.name} listed twice`);
        K.Chains.set(ctx, c.name, c);
        K.Totals.set(ctx, c.name, { ...ZERO_TOTALS });
      }
      const known = (name: string, what: string): ChainSettings => {
        const c = K.Chains.get(ctx, name);
        if (!c) throw bad(`${what} for unknown chain ${name}`);
        return c;
      };
      for (const s of g.nextSeqs) {
        known(s.chain, "a next seq");
        K.NextSeq.set(ctx, s.chain, s.next);
      }
      for (const t of g.totals) {
        known(t.chain, "totals");
        K.Totals.set(ctx, t.chain, { lockedOut: BigInt(t.lockedOut), refundedOut: BigInt(t.refundedOut), executedOut: BigInt(t.executedOut), creditedIn: BigInt(t.creditedIn) });
      }
      for (const b of g.buckets) {
        known(b.chain, "a bucket");
        K.Buckets.set(ctx, [b.chain, b.direction], { tokens: BigInt(b.tokens), updatedAt: b.updatedAt });
      }
      for (const k of g.attestationKeys) {
        const problem = attestationKeyProblem(k.family, k.key);
        if (problem) throw bad(`key of ${k.validator}: ${problem}`);
        if (K.KeyOwners.has(ctx, [k.family, k.key])) throw bad(`the ${k.family} key ${k.key} is listed twice`);
        if (K.AttestationKeys.has(ctx, [k.validator, k.family])) throw bad(`${k.validator} has two ${k.family} keys`);
        K.AttestationKeys.set(ctx, [k.validator, k.family], k.key);
        K.KeyOwners.set(ctx, [k.family, k.key], k.validator);
      }
      for (const o of g.outbound as Outbound[]) {
        known(o.chain, "an outbound transfer");
        if (o.seq >= (K.NextSeq.get(ctx, o.chain) ?? 1)) throw bad(`outbound ${o.chain}/${o.seq} is not below the chain's next seq`);
        K.Outbounds.set(ctx, [o.chain, o.seq], o);
      }
      const outbound = (chainName: string, s: number, what: string): void => {
        if (!K.Outbounds.has(ctx, [chainName, s])) throw bad(`${what} for unknown outbound ${chainName}/${s}`);
      };
      for (const s of g.outboundSignatures) {
        outbound(s.chain, s.seq, "a signature");
        K.OutboundSigs.set(ctx, [s.chain, s.seq, s.validator], { key: s.key, signature: s.signature });
      }
      for (const v of g.resultVotes) {
        outbound(v.chain, v.seq, "a result vote");
        K.ResultVotes.set(ctx, [v.chain, v.seq, v.validator], v.result);
      }
      for (const r of g.inbound as Inbound[]) {
        known(r.chain, "an inbound transfer");
        if (r.status !== "attesting" && !r.content) throw bad(`inbound ${r.chain}/${r.seq} is ${r.status} without its approved content`);
        K.Inbounds.set(ctx, [r.chain, r.seq], r);
      }
      const inbound = (chainName: string, s: number, what: string): Inbound => {
        const r = K.Inbounds.get(ctx, [chainName, s]);
        if (!r) throw bad(`${what} for unknown inbound ${chainName}/${s}`);
        return r;
      };
      for (const c of g.inboundContents) {
        inbound(c.chain, c.seq, "a content");
        K.InboundContents.set(ctx, [c.chain, c.seq, c.contentHash], { ...c.content, amount: BigInt(c.content.amount) });
      }
      for (const v of g.inboundVotes) {
        inbound(v.chain, v.seq, "a vote");
        if (!K.InboundContents.has(ctx, [v.chain, v.seq, v.contentHash])) throw bad(`a vote of ${v.validator} for ${v.chain}/${v.seq} names a content not listed`);
        K.InboundVotes.set(ctx, [v.chain, v.seq, v.validator], v.contentHash);
      }
      for (const w of g.waiting) {
        if (inbound(w.chain, w.seq, "a waiting entry").status !== "waiting") throw bad(`inbound ${w.chain}/${w.seq} is listed as waiting but is not`);
        K.Waiting.set(ctx, [w.chain, K.WaitOrder.nextNumber(ctx)], w.seq);
      }
      for (const r of g.creditRetries) {
        known(r.chain, "a credit retry");
        K.ChainRetry.set(ctx, r.chain, r.retryAtMs);
        K.CreditQueue.enqueue(ctx, r.retryAtMs, r.chain, true);
      }
      for (const e of g.bhlsEpochs ?? []) {
        known(e.chain, "a BHLS epoch");
        K.BhlsEpochs.set(ctx, e.chain, e.epoch);
      }
      for (const s of g.setUpdateSignatures ?? []) {
        known(s.chain, "a validator-set update signature");
        K.SetUpdateSigs.set(ctx, [s.chain, s.setId, s.validator], s.signature);
      }
    },
    export(ctx: Ctx): BridgeGenesis {
      const str = (t: typeof ZERO_TOTALS) => ({ lockedOut: t.lockedOut.toString(), refundedOut: t.refundedOut.toString(), executedOut: t.executedOut.toString(), creditedIn: t.creditedIn.toString() });
      return {
        params: keeper.params(ctx),
        chains: [...K.Chains.values(ctx)],
        nextSeqs: [...K.NextSeq.iterate(ctx)].map(([chainName, next]) => ({ chain: chainName, next })),
        totals: [...K.Totals.iterate(ctx)].map(([chainName, t]) => ({ chain: chainName, ...str(t) })),
        buckets: [...K.Buckets.iterate(ctx)].map(([[chainName, direction], b]) => ({ chain: chainName, direction: direction as "in" | "out", tokens: b.tokens.toString(), updatedAt: b.updatedAt })),
        attestationKeys: [...K.AttestationKeys.iterate(ctx)].map(([[validator, family], key]) => ({ validator, family: family as (typeof FAMILIES)[number], key })),
        outbound: [...K.Outbounds.values(ctx)],
        outboundSignatures: [...K.OutboundSigs.iterate(ctx)].map(([[c, s, validator], v]) => ({ chain: c, seq: s, validator, key: v.key, signature: v.signature })),
        resultVotes: [...K.ResultVotes.iterate(ctx)].map(([[c, s, validator], result]) => ({ chain: c, seq: s, validator, result: result as "executed" | "expired" })),
        inbound: [...K.Inbounds.values(ctx)],
        inboundContents: [...K.InboundContents.iterate(ctx)].map(([[c, s, contentHash], v]) => ({ chain: c, seq: s, contentHash, content: { ...v, amount: v.amount.toString() } })),
        inboundVotes: [...K.InboundVotes.iterate(ctx)].map(([[c, s, validator], contentHash]) => ({ chain: c, seq: s, validator, contentHash })),
        waiting: [...K.Waiting.iterate(ctx)].map(([[c], s]) => ({ chain: c, seq: s })),
        creditRetries: [...K.ChainRetry.iterate(ctx)].map(([c, retryAtMs]) => ({ chain: c, retryAtMs })),
        bhlsEpochs: [...K.BhlsEpochs.iterate(ctx)].map(([c, epoch]) => ({ chain: c, epoch })),
        setUpdateSignatures: [...K.SetUpdateSigs.iterate(ctx)].map(([[c, setId, validator], signature]) => ({ chain: c, setId, validator, signature })),
      };
    },
  };
}
