import { ValidatorSet, decodeEvidence, verifyCommit, verifyDuplicateVoteEvidence, type CommitCertificate, type Validator } from "../../runtime/consensus/index.ts";
import { ConsensusTypeUrls, type MsgReportCommit, type MsgSubmitEvidence } from "../../runtime/consensus/chain-contract.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import type { Ctx, MsgDef, QueryDef } from "../../runtime/modules/types.ts";
import { ModuleError } from "../../runtime/tx/errors.ts";
import { fromHex, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { VerifiedSignatures } from "../../runtime/crypto/verified-signatures.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import type { SetMember, StakingForConsensus } from "./expected-keepers.ts";

export const NS = "consensus";
const hex = (max: number): { type: "string"; pattern: string; maxLength: number } => ({ type: "string", pattern: "^[0-9a-f]+$", maxLength: max });
const address = { type: "string", pattern: ADDRESS_PATTERN } as const;

const fail = (code: string, message: string): never => {
  throw new ModuleError(NS, code, message);
};

/** Staking's set members as consensus validators (the operator address signs with its consensus key). */
export function toValidators(active: readonly SetMember[]): Validator[] {
  return active.map((a) => ({ address: a.operator, publicKey: fromHex(a.consensusPubKey), power: a.power, band: a.band }));
}

function setAt(keeper: StakingForConsensus, ctx: Ctx, height: number): ValidatorSet {
  const active = keeper.activeSetFor(ctx, height);
  if (active.length === 0) fail("CONSENSUS_NO_SET", `no validator set is known for height ${height}`);
  return ValidatorSet.create(toValidators(active));
}

export function consensusMsgs(keeper: StakingForConsensus, verified: VerifiedSignatures = new VerifiedSignatures()): MsgDef[] {
  const verifySig = (k: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean => verified.has(k, msg, sig) || ed25519.verify(k, msg, sig);
  const report: MsgDef<MsgReportCommit> = {
    typeUrl: ConsensusTypeUrls.ReportCommit,
    schema: {
      $id: "https://nexusos.dev/schemas/consensus.v1.MsgReportCommit.json",
      type: "object",
      properties: {
        reporter: address,
        height: { type: "integer", minimum: 1 },
        round: { type: "integer", minimum: 0 },
        blockHash: { type: "string", pattern: "^[0-9a-f]{64}$" },
        signatures: {
          type: "array",
          maxItems: 1000,
          items: { type: "object", properties: { validator: address, signature: hex(128) }, required: ["validator", "signature"], additionalProperties: false },
        },
      },
      required: ["reporter", "height", "round", "blockHash", "signatures"],
      additionalProperties: false,
    },
    signers: (m) => [m.reporter],
    handle(ctx, m) {
      // Only the previous block's commit, once: signers are counted exactly once per height.
      if (m.height !== ctx.block.height - 1) fail("CONSENSUS_WRONG_HEIGHT", `a block reports the commit of height ${ctx.block.height - 1}, not ${m.height}`);
      const key = utf8(`reported/${m.height}`);
      if (ctx.kv(NS).get(key)) fail("CONSENSUS_ALREADY_REPORTED", `the commit of height ${m.height} was already reported`);
      const cert: CommitCertificate = {
        height: m.height,
        round: m.round,
        blockHash: fromHex(m.blockHash),
        signatures: m.signatures.map((s) => ({ validator: s.validator, signature: fromHex(s.signature) })),
      };
      const v = verifyCommit(ctx.block.chainId, setAt(keeper, ctx, m.height), m.height, cert.blockHash, cert, verifySig);
      if (!v.ok) fail(v.code, v.reason);
      ctx.kv(NS).set(key, new Uint8Array([1]));
      // Keep one marker: the previous one can never be needed again.
      ctx.kv(NS).delete(utf8(`reported/${m.height - 1}`));
      const jailed = keeper.recordSignatures(ctx, cert.signatures.map((s) => s.validator), m.height);
      ctx.emit("consensus.commit_reported", { height: String(m.height), signers: String(cert.signatures.length), jailed: String(jailed.length) });
    },
  };
  const evidence: MsgDef<MsgSubmitEvidence> = {
    typeUrl: ConsensusTypeUrls.SubmitEvidence,
    schema: {
      $id: "https://nexusos.dev/schemas/consensus.v1.MsgSubmitEvidence.json",
      type: "object",
      properties: { reporter: address, evidence: hex(4096) },
      required: ["reporter", "evidence"],
      additionalProperties: false,
    },
    signers: (m) => [m.reporter],
    handle(ctx, m) {
      let ev;
      try {
        ev = decodeEvidence(fromHex(m.evidence));
      } catch (e) {
        return fail("CONSENSUS_BAD_EVIDENCE", (e as Error).message);
      }
      const h = ev.voteA.vote.height;
      if (h >= ctx.block.height) fail("CONSENSUS_BAD_EVIDENCE", `evidence of height ${h} is not from a past height`);
      const v = verifyDuplicateVoteEvidence(ctx.block.chainId, setAt(keeper, ctx, h), ev);
      if (!v.ok) fail("CONSENSUS_BAD_EVIDENCE", v.reason);
      // Unknown or already tombstoned: staking ignores it, and so do we.
      const r = keeper.slashDoubleSign(ctx, ev.voteA.vote.validator, h);
      ctx.emit("consensus.evidence", { validator: ev.voteA.vote.validator, height: String(h), burned: r ? r.burned.toString() : "0", vote: toHex(ev.voteA.signature).slice(0, 16) });
    },
  };
  return [report, evidence];
}

/** What the engine's report asks (runtime/consensus/chain-contract.ts). */
export function consensusQueries(keeper: StakingForConsensus): Record<string, QueryDef> {
  return {
    punished: {
      schema: {
        $id: "https://nexusos.dev/schemas/consensus.v1.QueryPunished.json",
        type: "object",
        properties: { validator: address },
        required: ["validator"],
        additionalProperties: false,
      },
      handle: (ctx: Ctx, p: { validator: string }) => ({ punished: keeper.validator(ctx, p.validator)?.tombstoned === true }),
    } satisfies QueryDef<{ validator: string }>,
  };
}
