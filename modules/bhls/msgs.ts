import type { FromSchema } from "json-schema-to-ts";
import type { MsgDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { REGISTER_CITIZEN_TYPE_URL } from "./attestation.ts";
import { BhlsError } from "./errors.ts";
import { BhlsEvents } from "./events.ts";
import { CHAIN_NAME_PATTERN, paramsProblem, paramsSchema, type BhlsParams } from "./params.ts";
import { PHONE_HASH_PATTERN } from "./records.ts";
import type { BhlsKeeper } from "./keeper/bhls-keeper.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;

const schema = <const P extends Record<string, unknown>, const R extends readonly string[]>(name: string, properties: P, required: R, description: string) =>
  ({ $id: `https://nexusos.dev/schemas/bhls.v1.${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;

/** Exactly the value registerCitizenMsg (attestation.ts) builds: the attestor service depends on it. */
export const msgRegisterCitizenSchema = schema(
  "MsgRegisterCitizen",
  {
    sender: { ...address, description: "the attestor's address (must equal attestation.attestor; PICO band)" },
    attestation: {
      type: "object",
      description: "the attestation: {chainId, citizen, phoneHash, expiresAt, attestor}",
      properties: {
        chainId: { type: "string", minLength: 1, maxLength: 64 },
        citizen: address,
        phoneHash: { type: "string", pattern: PHONE_HASH_PATTERN },
        expiresAt: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        attestor: address,
      },
      required: ["chainId", "citizen", "phoneHash", "expiresAt", "attestor"],
      additionalProperties: false,
    },
    attestorPubKey: { type: "string", pattern: "^[0-9a-f]{64}$", description: "the attestor's Ed25519 public key, hex" },
    signature: { type: "string", pattern: "^[0-9a-f]{128}$", description: "Ed25519 signature over attestationBytes, hex" },
  },
  ["sender", "attestation", "attestorPubKey", "signature"] as const,
  "register (or re-attest) a citizen: a registered attestor submits its signed attestation in a PICO transaction",
);
export type MsgRegisterCitizen = FromSchema<typeof msgRegisterCitizenSchema>;

export const msgClaimSchema = schema(
  "MsgClaim",
  {
    citizen: { ...address, description: "the citizen claiming this epoch's share" },
    destination: {
      type: "object",
      description: 'deliver on a bridged chain instead: {"chain":"evm","address":"0x…"} (escrowed until the bridge delivers)',
      properties: { chain: { type: "string", pattern: CHAIN_NAME_PATTERN }, address: { type: "string", minLength: 1, maxLength: 128 } },
      required: ["chain", "address"],
      additionalProperties: false,
    },
    epoch: {
      type: "integer",
      minimum: 1,
      maximum: 4_294_967_295,
      description: "the epoch this claim is for: refused (BHLS_WRONG_EPOCH) if it lands in another one; absent, the epoch the block is in",
    },
  },
  ["citizen"] as const,
  "claim this epoch's BHLS floor share (once per epoch)",
);
export type MsgClaim = FromSchema<typeof msgClaimSchema>;

export const msgRegisterAttestorSchema = schema(
  "MsgRegisterAttestor",
  { authority: address, attestor: { ...address, description: "the attestor service's account" }, moniker: { type: "string", minLength: 1, maxLength: 64, description: "display name" } },
  ["authority", "attestor", "moniker"] as const,
  "register an attestor (bhls's authority signs)",
);
export type MsgRegisterAttestor = FromSchema<typeof msgRegisterAttestorSchema>;

export const msgRemoveAttestorSchema = schema(
  "MsgRemoveAttestor",
  { authority: address, attestor: { ...address, description: "the attestor to remove (its citizens stay until revoked)" } },
  ["authority", "attestor"] as const,
  "remove an attestor (bhls's authority signs)",
);
export type MsgRemoveAttestor = FromSchema<typeof msgRemoveAttestorSchema>;

export const msgRevokeCitizensSchema = schema(
  "MsgRevokeCitizens",
  {
    authority: address,
    attestor: { ...address, description: "revoke citizens this attestor attested" },
    limit: { type: "integer", minimum: 1, maximum: 1000, description: "most citizens revoked by this message" },
  },
  ["authority", "attestor", "limit"] as const,
  "revoke up to `limit` citizens of an attestor (bhls's authority signs; repeat until none remain)",
);
export type MsgRevokeCitizens = FromSchema<typeof msgRevokeCitizensSchema>;

export const msgUpdateParamsSchema = schema("MsgUpdateParams", { authority: address, params: paramsSchema }, ["authority", "params"] as const, "replace bhls's params (bhls's authority signs)");
export type MsgUpdateParams = FromSchema<typeof msgUpdateParamsSchema>;

/** Wire values: never reuse or renumber. */
export const BhlsTypeUrls = {
  RegisterCitizen: REGISTER_CITIZEN_TYPE_URL,
  Claim: "/bhls.v1.MsgClaim",
  RegisterAttestor: "/bhls.v1.MsgRegisterAttestor",
  RemoveAttestor: "/bhls.v1.MsgRemoveAttestor",
  RevokeCitizens: "/bhls.v1.MsgRevokeCitizens",
  UpdateParams: "/bhls.v1.MsgUpdateParams",
} as const;

export function validateBhlsParams(p: BhlsParams): void {
  const problem = paramsProblem(p);
  if (problem) throw new BhlsError("BHLS_INVALID_PARAMS", problem);
}

export function bhlsMsgs(keeper: BhlsKeeper): MsgDef[] {
  const register: MsgDef<MsgRegisterCitizen> = {
    typeUrl: BhlsTypeUrls.RegisterCitizen,
    schema: msgRegisterCitizenSchema,
    minBand: Band.PICO,
    signers: (m) => [m.sender],
    validate(m) {
      if (m.sender !== m.attestation.attestor) {
        throw new BhlsError("BHLS_SENDER_NOT_ATTESTOR", `sender ${m.sender} is not the attestation's attestor ${m.attestation.attestor}`);
      }
    },
    handle: (ctx, m) => void keeper.registerCitizen(ctx, m.attestation, m.attestorPubKey, m.signature),
  };
  const claim: MsgDef<MsgClaim> = {
    typeUrl: BhlsTypeUrls.Claim,
    schema: msgClaimSchema,
    signers: (m) => [m.citizen],
    handle: (ctx, m) => void keeper.claim(ctx, m.citizen, m.destination, m.epoch),
    // A claim naming its epoch happens once (one per citizen per epoch, never in another
    // epoch): it needs no nonce, and one write fewer per claim (docs/bhls.md).
    oneTime: {
      key: (m) => (m.epoch === undefined ? undefined : `bhls/claim/${m.citizen}/${m.epoch}`),
      check: (ctx, m) => keeper.checkClaim(ctx, m.citizen, m.destination, m.epoch),
    },
  };
  const addAttestor: MsgDef<MsgRegisterAttestor> = {
    typeUrl: BhlsTypeUrls.RegisterAttestor,
    schema: msgRegisterAttestorSchema,
    signers: (m) => [m.authority],
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      keeper.citizens.addAttestor(ctx, m.attestor, m.moniker);
    },
  };
  const removeAttestor: MsgDef<MsgRemoveAttestor> = {
    typeUrl: BhlsTypeUrls.RemoveAttestor,
    schema: msgRemoveAttestorSchema,
    signers: (m) => [m.authority],
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      keeper.citizens.removeAttestor(ctx, m.attestor);
    },
  };
  const revoke: MsgDef<MsgRevokeCitizens> = {
    typeUrl: BhlsTypeUrls.RevokeCitizens,
    schema: msgRevokeCitizensSchema,
    signers: (m) => [m.authority],
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      keeper.citizens.revoke(ctx, m.attestor, m.limit);
    },
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: BhlsTypeUrls.UpdateParams,
    schema: msgUpdateParamsSchema,
    signers: (m) => [m.authority],
    validate: (m) => validateBhlsParams(m.params),
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      keeper.setParams(ctx, m.params);
      ctx.emit(BhlsEvents.ParamsUpdated, { authority: m.authority });
    },
  };
  return [register, claim, addAttestor, removeAttestor, revoke, updateParams];
}
