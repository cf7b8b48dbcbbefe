import type { FromSchema } from "json-schema-to-ts";
import type { MsgDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { ArbitrationError } from "./errors.ts";
import { ArbitrationEvents } from "./events.ts";
import { BOND_PATTERN, checkEvidence, checkHash, checkNotSelf, parseBond } from "./checks.ts";
import { paramsProblem, paramsSchema, type ArbitrationParams } from "./params.ts";
import { DECISIONS, DISPUTE_KINDS, EVIDENCE_URI_PATTERN, storedMsgSchema, type EvidenceItem, type StoredMsg } from "./records.ts";
import type { ArbitrationKeeper } from "./keeper/arbitration-keeper.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
/** Hashes are checked by checkHash (ARBITRATION_BAD_HASH), not by the schema, so the code says what is wrong. */
const hash = { type: "string", minLength: 1, maxLength: 128 } as const;
const caseId = { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: "the case's id" } as const;
const bond = { type: "string", pattern: BOND_PATTERN, description: "NXT base units (optionally suffixed nxt)" } as const;
const evidence = {
  type: "array",
  maxItems: 256,
  items: {
    type: "object",
    properties: {
      hash: { ...hash, description: "sha256 of the document bytes as served, 64 hex" },
      uri: { type: "string", pattern: EVIDENCE_URI_PATTERN, maxLength: 512 },
      party: { type: "string", enum: ["plaintiff", "defendant"] },
    },
    required: ["hash", "uri", "party"],
    additionalProperties: false,
  },
} as const;
const msgList = { type: "array", maxItems: 16, items: storedMsgSchema } as const;

const schema = <const P extends Record<string, unknown>, const R extends readonly string[]>(name: string, properties: P, required: R, description: string) =>
  ({ $id: `https://nexusos.dev/schemas/arbitration.v1.${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;

export const msgRegisterArbiterSchema = schema("MsgRegisterArbiter", { authority: address, arbiter: { ...address, description: "the arbiter agent's account" } }, ["authority", "arbiter"] as const, "register an arbiter (arbitration's authority signs)");
export type MsgRegisterArbiter = FromSchema<typeof msgRegisterArbiterSchema>;

export const msgRemoveArbiterSchema = schema("MsgRemoveArbiter", { authority: address, arbiter: address }, ["authority", "arbiter"] as const, "remove an arbiter; its pending rulings are no longer awaited (arbitration's authority signs)");
export type MsgRemoveArbiter = FromSchema<typeof msgRemoveArbiterSchema>;

export const msgUpdateParamsSchema = schema("MsgUpdateParams", { authority: address, params: paramsSchema }, ["authority", "params"] as const, "replace arbitration's params (arbitration's authority signs, band ATTO)");
export type MsgUpdateParams = FromSchema<typeof msgUpdateParamsSchema>;

export const msgFileDisputeSchema = schema(
  "MsgFileDispute",
  {
    plaintiff: { ...address, description: "who files (signs) and pays the bond" },
    defendant: address,
    kind: { type: "string", enum: DISPUTE_KINDS },
    title: { type: "string", minLength: 1, maxLength: 200 },
    summaryHash: { ...hash, description: "sha256 of the case summary document, 64 hex" },
    evidence: { ...evidence, description: "the plaintiff's evidence (party plaintiff)" },
    bond: { ...bond, description: "the filing bond (at least params.minBond), NXT base units" },
    remedy: { ...msgList, description: "messages executed as governance if the plaintiff prevails (typeUrls from params.remedyTypeUrls)" },
    partialRemedy: { ...msgList, description: "messages executed on a 'modify' ruling (e.g. the penalty halved)" },
  },
  ["plaintiff", "defendant", "kind", "title", "summaryHash", "evidence", "bond", "remedy"] as const,
  "file a dispute: a panel is drawn at once; the bond is held until the case closes",
);
export type MsgFileDispute = FromSchema<typeof msgFileDisputeSchema>;

export const msgAddEvidenceSchema = schema(
  "MsgAddEvidence",
  { party: { ...address, description: "the plaintiff or the defendant (signs)" }, caseId, evidence: { ...evidence, minItems: 1 } },
  ["party", "caseId", "evidence"] as const,
  "add evidence to an open case (each item marked with the submitter's side)",
);
export type MsgAddEvidence = FromSchema<typeof msgAddEvidenceSchema>;

export const msgSubmitRulingSchema = schema(
  "MsgSubmitRuling",
  {
    arbiter: { ...address, description: "a member of the case's current panel (signs)" },
    caseId,
    round: { type: "integer", minimum: 1, maximum: 255, description: "the case's current round (1, or 2 after an appeal)" },
    decision: { type: "string", enum: DECISIONS },
    confidence: { type: "integer", minimum: 0, maximum: 1000, description: "permille" },
    rationaleHash: { ...hash, description: "sha256 of the rationale document, 64 hex" },
  },
  ["arbiter", "caseId", "round", "decision", "confidence", "rationaleHash"] as const,
  "an arbiter's ruling for the current round",
);
export type MsgSubmitRuling = FromSchema<typeof msgSubmitRulingSchema>;

export const msgAppealSchema = schema(
  "MsgAppeal",
  { appellant: { ...address, description: "the plaintiff or the defendant (signs)" }, caseId, bond: { ...bond, description: "the appeal bond (at least params.appealBond)" } },
  ["appellant", "caseId", "bond"] as const,
  "appeal a standing ruling within its window: the first to a fresh panel, the second to governance",
);
export type MsgAppeal = FromSchema<typeof msgAppealSchema>;

/** Wire values: never reuse or renumber. */
export const ArbitrationTypeUrls = {
  RegisterArbiter: "/arbitration.v1.MsgRegisterArbiter",
  RemoveArbiter: "/arbitration.v1.MsgRemoveArbiter",
  UpdateParams: "/arbitration.v1.MsgUpdateParams",
  FileDispute: "/arbitration.v1.MsgFileDispute",
  AddEvidence: "/arbitration.v1.MsgAddEvidence",
  SubmitRuling: "/arbitration.v1.MsgSubmitRuling",
  Appeal: "/arbitration.v1.MsgAppeal",
} as const;

export function validateArbitrationParams(p: ArbitrationParams): void {
  const problem = paramsProblem(p);
  if (problem) throw new ArbitrationError("ARBITRATION_INVALID_PARAMS", problem);
}

export function validateFiling(m: MsgFileDispute): void {
  checkNotSelf(m.plaintiff, m.defendant);
  checkHash(m.summaryHash, "summaryHash");
  checkEvidence(m.evidence as EvidenceItem[], "plaintiff");
  parseBond(m.bond);
}

export function arbitrationMsgs(keeper: ArbitrationKeeper): MsgDef[] {
  const register: MsgDef<MsgRegisterArbiter> = {
    typeUrl: ArbitrationTypeUrls.RegisterArbiter,
    schema: msgRegisterArbiterSchema,
    signers: (m) => [m.authority],
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      keeper.registerArbiter(ctx, m.arbiter);
    },
  };
  const remove: MsgDef<MsgRemoveArbiter> = {
    typeUrl: ArbitrationTypeUrls.RemoveArbiter,
    schema: msgRemoveArbiterSchema,
    signers: (m) => [m.authority],
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      keeper.removeArbiter(ctx, m.arbiter);
    },
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: ArbitrationTypeUrls.UpdateParams,
    schema: msgUpdateParamsSchema,
    minBand: Band.ATTO,
    signers: (m) => [m.authority],
    validate: (m) => validateArbitrationParams(m.params),
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      validateArbitrationParams(m.params);
      keeper.setParams(ctx, m.params);
      ctx.emit(ArbitrationEvents.ParamsUpdated, { authority: m.authority });
    },
  };
  const file: MsgDef<MsgFileDispute> = {
    typeUrl: ArbitrationTypeUrls.FileDispute,
    schema: msgFileDisputeSchema,
    signers: (m) => [m.plaintiff],
    validate: validateFiling,
    handle: (ctx, m) =>
      void keeper.cases.file(ctx, {
        ...m,
        evidence: m.evidence as EvidenceItem[],
        remedy: m.remedy as StoredMsg[],
        partialRemedy: (m.partialRemedy ?? []) as StoredMsg[],
      }),
  };
  const addEvidence: MsgDef<MsgAddEvidence> = {
    typeUrl: ArbitrationTypeUrls.AddEvidence,
    schema: msgAddEvidenceSchema,
    signers: (m) => [m.party],
    validate: (m) => m.evidence.forEach((e, i) => checkHash(e.hash, `evidence[${i}].hash`)),
    handle: (ctx, m) => keeper.cases.addEvidence(ctx, m.party, m.caseId, m.evidence as EvidenceItem[]),
  };
  const rule: MsgDef<MsgSubmitRuling> = {
    typeUrl: ArbitrationTypeUrls.SubmitRuling,
    schema: msgSubmitRulingSchema,
    signers: (m) => [m.arbiter],
    validate: (m) => checkHash(m.rationaleHash, "rationaleHash"),
    handle: (ctx, m) => keeper.cases.submitRuling(ctx, m),
  };
  const appeal: MsgDef<MsgAppeal> = {
    typeUrl: ArbitrationTypeUrls.Appeal,
    schema: msgAppealSchema,
    signers: (m) => [m.appellant],
    validate: (m) => void parseBond(m.bond),
    handle: (ctx, m) => keeper.cases.appeal(ctx, m.appellant, m.caseId, m.bond),
  };
  return [register, remove, updateParams, file, addEvidence, rule, appeal] as MsgDef[];
}
