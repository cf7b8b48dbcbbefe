import type { QueryDef } from "../../runtime/modules/types.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { BRIDGE_ESCROW } from "./accounts.ts";
import * as K from "./keys.ts";
import { CHAIN_NAME_PATTERN, FAMILIES, NXT_DENOM, type Family } from "./params.ts";
import { refill } from "./rules.ts";
import { blockSeconds } from "./rules.ts";
import { BridgeKeeper } from "./keeper/bridge-keeper.ts";

const q = (name: string, properties: Record<string, unknown>, required: string[], description: string) =>
  ({ $id: `https://nexusos.dev/schemas/bridge.v1.Query${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;
const chain = { type: "string", pattern: CHAIN_NAME_PATTERN } as const;
const seq = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

/** Query paths "bridge/<name>" (docs/bridge-protocol.md); "escrow" and "waiting" are additions. */
export function bridgeQueries(keeper: BridgeKeeper): Record<string, QueryDef> {
  return {
    params: { schema: q("Params", {}, [], "the bridge's params"), handle: (ctx) => keeper.params(ctx) },
    chains: { schema: q("Chains", {}, [], "every bridged chain's settings"), handle: (ctx) => keeper.chains(ctx) },
    chain: {
      schema: q("Chain", { chain }, ["chain"], "one chain: settings, rate-limit buckets now, running totals, next outbound seq (null when unknown)"),
      handle: (ctx, p: { chain: string }) => {
        const c = keeper.chain(ctx, p.chain);
        if (!c) return null;
        const now = blockSeconds(ctx.block.time);
        const bucket = (dir: "in" | "out") => {
          const b = refill(keeper.bucket(ctx, c, dir), BridgeKeeper.rule(c), now);
          return { tokens: b.tokens.toString(), updatedAt: b.updatedAt };
        };
        const t = keeper.totals(ctx, c.name);
        return {
          settings: c,
          buckets: { in: bucket("in"), out: bucket("out") },
          totals: { lockedOut: t.lockedOut.toString(), refundedOut: t.refundedOut.toString(), executedOut: t.executedOut.toString(), creditedIn: t.creditedIn.toString() },
          inboundBacking: (t.executedOut - t.creditedIn).toString(),
          nextSeq: keeper.outbound.nextSeq(ctx, c.name),
        };
      },
    },
    outbound: {
      schema: q("Outbound", { chain, seq }, ["chain", "seq"], "one outbound transfer with its signatures and whether they pass the threshold (null when none)"),
      handle: (ctx, p: { chain: string; seq: number }) => {
        const o = keeper.outbound.get(ctx, p.chain, p.seq);
        return o ? keeper.outbound.view(ctx, o) : null;
      },
    },
    pendingOutbound: {
      schema: q(
        "PendingOutbound",
        { chain, after: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: "only seq above this (the last seq of the previous page)" }, limit: { type: "integer", minimum: 1, maximum: 100, description: "default 20" } },
        ["chain"],
        "outbound transfers of a chain still pending or ready, by seq, with their signatures",
      ),
      handle: (ctx, p: { chain: string; after?: number; limit?: number }) => {
        const limit = p.limit ?? 20;
        const items = [...K.OpenOutbound.iterate(ctx, { prefix: [p.chain], start: [p.chain, (p.after ?? 0) + 1], limit: limit + 1 })].map(([, o]) => o);
        const more = items.length > limit;
        const page = items.slice(0, limit);
        return { items: page.map((o) => keeper.outbound.view(ctx, o)), next: more ? page[page.length - 1]!.seq : null };
      },
    },
    inbound: {
      schema: q("Inbound", { chain, seq }, ["chain", "seq"], "one inbound transfer: status, attestations, each content's power (null when never attested)"),
      handle: (ctx, p: { chain: string; seq: number }) => {
        const r = keeper.inbound.get(ctx, p.chain, p.seq);
        return r ? keeper.inbound.view(ctx, r) : null;
      },
    },
    attestationKeys: {
      schema: q("AttestationKeys", { family: { enum: FAMILIES } }, ["family"], "the set in force with its keys for a family and their powers: what a destination's validator set must be"),
      handle: (ctx, p: { family: Family }) => keeper.attestationKeys(ctx, p.family),
    },
    setUpdateSignatures: {
      schema: q(
        "SetUpdateSignatures",
        { chain, setId: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
        ["chain", "setId"],
        "the ValidatorSetUpdate signatures validators sent for an EVM chain's bridge set id, with the update each signed",
      ),
      handle: (ctx, p: { chain: string; setId: number }) => ({ chain: p.chain, setId: p.setId, signatures: keeper.setUpdates.signatures(ctx, p.chain, p.setId) }),
    },
    nextSequence: {
      schema: q("NextSequence", { chain }, ["chain"], "the seq the next outbound transfer to the chain gets"),
      handle: (ctx, p: { chain: string }) => ({ chain: p.chain, nextSeq: keeper.outbound.nextSeq(ctx, p.chain) }),
    },
    waiting: {
      schema: q("Waiting", { chain, limit: { type: "integer", minimum: 1, maximum: 100 } }, ["chain"], "approved inbound transfers waiting to be credited, first first, and when the head is retried"),
      handle: (ctx, p: { chain: string; limit?: number }) => ({
        retryAtMs: K.ChainRetry.get(ctx, p.chain) ?? null,
        items: [...K.Waiting.iterate(ctx, { prefix: [p.chain], limit: p.limit ?? 20 })].map(([, s]) => keeper.inbound.get(ctx, p.chain, s)),
      }),
    },
    escrow: {
      schema: q("Escrow", {}, [], "bridge_escrow's balance and what the running totals say it must hold"),
      handle: (ctx) => ({ address: moduleAddress(BRIDGE_ESCROW), balance: keeper.bank.balance(ctx, moduleAddress(BRIDGE_ESCROW), NXT_DENOM).toString(), owed: keeper.escrowOwed(ctx).toString() }),
    },
  };
}
