import type { FromSchema } from "json-schema-to-ts";
import type { MsgDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { BridgeError } from "./errors.ts";
import { BridgeEvents } from "./events.ts";
import { CHAIN_NAME_PATTERN, FAMILIES, chainSettingsProblem, chainSettingsSchema, paramsSchema, type ChainSettings } from "./params.ts";
import { OUTBOUND_RESULTS, SOURCE_TX_PATTERN } from "./records.ts";
import type { BridgeKeeper } from "./keeper/bridge-keeper.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const amount = { type: "string", pattern: AMOUNT_PATTERN, description: "NXT base units (8 decimals)" } as const;
const chain = { type: "string", pattern: CHAIN_NAME_PATTERN, description: 'bridged chain name ("sepolia", "assethub", "cosmoshub")' } as const;
const seq = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
/** Checked per family by the handler (each refusal with its own code), so the schema only bounds it. */
const foreignAddress = { type: "string", minLength: 1, maxLength: 128, description: "an address on the bridged chain (evm 0x…, substrate SS58 or 0x + 64 hex, cosmos bech32)" } as const;

const schema = <const P extends Record<string, unknown>, const R extends readonly string[]>(name: string, properties: P, required: R, description: string) =>
  ({ $id: `https://nexusos.dev/schemas/bridge.v1.${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;

export const msgUpdateChainSchema = schema("MsgUpdateChain", { authority: address, chain: chainSettingsSchema }, ["authority", "chain"] as const, "add a bridged chain or replace its settings (authority)");
export type MsgUpdateChain = FromSchema<typeof msgUpdateChainSchema>;

export const msgSetPausedSchema = schema("MsgSetPaused", { authority: address, chain, paused: { type: "boolean" } }, ["authority", "chain", "paused"] as const, "pause or resume a chain (authority)");
export type MsgSetPaused = FromSchema<typeof msgSetPausedSchema>;

export const msgUpdateParamsSchema = schema("MsgUpdateParams", { authority: address, params: paramsSchema }, ["authority", "params"] as const, "replace the bridge's params (authority)");
export type MsgUpdateParams = FromSchema<typeof msgUpdateParamsSchema>;

export const msgGuardianPauseSchema = schema(
  "MsgGuardianPause",
  { validator: address, chain, reason: { type: "string", maxLength: 280 } },
  ["validator", "chain", "reason"] as const,
  "pause a chain at once (any active validator, FEMTO); only the authority resumes it",
);
export type MsgGuardianPause = FromSchema<typeof msgGuardianPauseSchema>;

export const msgRegisterAttestationKeySchema = schema(
  "MsgRegisterAttestationKey",
  { validator: address, family: { enum: FAMILIES }, key: { type: "string", minLength: 1, maxLength: 130, description: "evm: 0x-address; substrate: 64 hex; cosmos: 66 hex (compressed secp256k1)" } },
  ["validator", "family", "key"] as const,
  "register or rotate the validator's key for a family of destination chains (FEMTO)",
);
export type MsgRegisterAttestationKey = FromSchema<typeof msgRegisterAttestationKeySchema>;

export const msgBridgeOutSchema = schema(
  "MsgBridgeOut",
  { sender: address, chain, recipient: foreignAddress, amount },
  ["sender", "chain", "recipient", "amount"] as const,
  "lock NXT in bridge_escrow for a recipient on another chain",
);
export type MsgBridgeOut = FromSchema<typeof msgBridgeOutSchema>;

export const msgSignOutboundSchema = schema(
  "MsgSignOutbound",
  { validator: address, chain, seq, signature: { type: "string", minLength: 1, maxLength: 132, description: "evm: 0x + 65-byte EIP-712 signature hex (Mint, BhlsDelivery or EpochUpdate by the record's kind); others: 64-byte hex" } },
  ["validator", "chain", "seq", "signature"] as const,
  "a validator's destination signature for an outbound transfer (FEMTO)",
);
export type MsgSignOutbound = FromSchema<typeof msgSignOutboundSchema>;

const evmKey = { type: "string", pattern: "^0x[0-9a-f]{40}$" } as const;
export const msgSignValidatorSetUpdateSchema = schema(
  "MsgSignValidatorSetUpdate",
  {
    validator: address,
    chain,
    setId: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: "the contract's set id + 1" },
    validators: { type: "array", minItems: 1, maxItems: 128, items: evmKey, description: "the incoming set's EVM keys, lowercase, strictly ascending" },
    powers: { type: "array", minItems: 1, maxItems: 128, items: amount, description: "their powers, in the same order" },
    nonce: { ...amount, description: "the contract's governance nonce (config().nonce)" },
    signature: { type: "string", pattern: "^0x[0-9a-fA-F]{130}$", description: "0x + 65-byte EIP-712 ValidatorSetUpdate signature by the validator's registered EVM key" },
  },
  ["validator", "chain", "setId", "validators", "powers", "nonce", "signature"] as const,
  "a validator's signature of an EVM bridge's validator-set update (any validator with an EVM key: the contract counts the power)",
);
export type MsgSignValidatorSetUpdate = FromSchema<typeof msgSignValidatorSetUpdateSchema>;

export const msgAttestInboundSchema = schema(
  "MsgAttestInbound",
  { validator: address, chain, seq, sender: foreignAddress, recipient: address, amount, sourceTx: { type: "string", pattern: SOURCE_TX_PATTERN, description: "the source transaction (hash, optionally :logIndex)" } },
  ["validator", "chain", "seq", "sender", "recipient", "amount", "sourceTx"] as const,
  "a validator attests a transfer seen on the source chain (FEMTO)",
);
export type MsgAttestInbound = FromSchema<typeof msgAttestInboundSchema>;

export const msgAttestOutboundResultSchema = schema(
  "MsgAttestOutboundResult",
  { validator: address, chain, seq, result: { enum: OUTBOUND_RESULTS } },
  ["validator", "chain", "seq", "result"] as const,
  "a validator attests an outbound transfer executed on, or expired at, its destination (FEMTO)",
);
export type MsgAttestOutboundResult = FromSchema<typeof msgAttestOutboundResultSchema>;

/** Wire values (docs/bridge-protocol.md): never reuse or renumber. MsgUpdateParams is an addition. */
export const BridgeTypeUrls = {
  UpdateChain: "/bridge.v1.MsgUpdateChain",
  SetPaused: "/bridge.v1.MsgSetPaused",
  GuardianPause: "/bridge.v1.MsgGuardianPause",
  RegisterAttestationKey: "/bridge.v1.MsgRegisterAttestationKey",
  BridgeOut: "/bridge.v1.MsgBridgeOut",
  SignOutbound: "/bridge.v1.MsgSignOutbound",
  AttestInbound: "/bridge.v1.MsgAttestInbound",
  AttestOutboundResult: "/bridge.v1.MsgAttestOutboundResult",
  UpdateParams: "/bridge.v1.MsgUpdateParams",
  SignValidatorSetUpdate: "/bridge.v1.MsgSignValidatorSetUpdate",
} as const;

const positive = (a: string): void => {
  if (BigInt(a) <= 0n) throw new BridgeError("BRIDGE_INVALID_AMOUNT", "amount must be positive");
};

export function bridgeMsgs(keeper: BridgeKeeper): MsgDef[] {
  const updateChain: MsgDef<MsgUpdateChain> = {
    typeUrl: BridgeTypeUrls.UpdateChain,
    schema: msgUpdateChainSchema,
    minBand: Band.ZEPTO,
    signers: (m) => [m.authority],
    validate(m) {
      const problem = chainSettingsProblem(m.chain as ChainSettings);
      if (problem) throw new BridgeError("BRIDGE_INVALID_CHAIN", problem);
    },
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      keeper.updateChain(ctx, m.chain as ChainSettings);
    },
  };
  const setPaused: MsgDef<MsgSetPaused> = {
    typeUrl: BridgeTypeUrls.SetPaused,
    schema: msgSetPausedSchema,
    minBand: Band.ZEPTO,
    signers: (m) => [m.authority],
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      keeper.setPaused(ctx, m.chain, m.paused, m.authority, "authority");
    },
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: BridgeTypeUrls.UpdateParams,
    schema: msgUpdateParamsSchema,
    minBand: Band.ZEPTO,
    signers: (m) => [m.authority],
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      keeper.setParams(ctx, m.params);
      ctx.emit(BridgeEvents.ParamsUpdated, { authority: m.authority });
    },
  };
  const guardianPause: MsgDef<MsgGuardianPause> = {
    typeUrl: BridgeTypeUrls.GuardianPause,
    schema: msgGuardianPauseSchema,
    minBand: Band.FEMTO,
    signers: (m) => [m.validator],
    handle: (ctx, m) => keeper.guardianPause(ctx, m.validator, m.chain, m.reason),
  };
  const registerKey: MsgDef<MsgRegisterAttestationKey> = {
    typeUrl: BridgeTypeUrls.RegisterAttestationKey,
    schema: msgRegisterAttestationKeySchema,
    minBand: Band.FEMTO,
    signers: (m) => [m.validator],
    handle: (ctx, m) => keeper.registerKey(ctx, m.validator, m.family, m.key),
  };
  const bridgeOut: MsgDef<MsgBridgeOut> = {
    typeUrl: BridgeTypeUrls.BridgeOut,
    schema: msgBridgeOutSchema,
    signers: (m) => [m.sender],
    validate: (m) => positive(m.amount),
    handle: (ctx, m) => void keeper.outbound.bridgeOut(ctx, m.sender, m.chain, m.recipient, BigInt(m.amount)),
  };
  const signOutbound: MsgDef<MsgSignOutbound> = {
    typeUrl: BridgeTypeUrls.SignOutbound,
    schema: msgSignOutboundSchema,
    minBand: Band.FEMTO,
    signers: (m) => [m.validator],
    handle: (ctx, m) => keeper.outbound.sign(ctx, m.validator, m.chain, m.seq, m.signature),
  };
  const attestInbound: MsgDef<MsgAttestInbound> = {
    typeUrl: BridgeTypeUrls.AttestInbound,
    schema: msgAttestInboundSchema,
    minBand: Band.FEMTO,
    signers: (m) => [m.validator],
    validate: (m) => positive(m.amount),
    handle: (ctx, m) => keeper.inbound.attest(ctx, m.validator, m.chain, m.seq, { sender: m.sender, recipient: m.recipient, amount: BigInt(m.amount), sourceTx: m.sourceTx }),
  };
  const attestResult: MsgDef<MsgAttestOutboundResult> = {
    typeUrl: BridgeTypeUrls.AttestOutboundResult,
    schema: msgAttestOutboundResultSchema,
    minBand: Band.FEMTO,
    signers: (m) => [m.validator],
    handle: (ctx, m) => keeper.outbound.attestResult(ctx, m.validator, m.chain, m.seq, m.result),
  };
  const signSetUpdate: MsgDef<MsgSignValidatorSetUpdate> = {
    typeUrl: BridgeTypeUrls.SignValidatorSetUpdate,
    schema: msgSignValidatorSetUpdateSchema,
    signers: (m) => [m.validator],
    handle: (ctx, m) => keeper.setUpdates.sign(ctx, m.validator, m.chain, { setId: m.setId, validators: m.validators, powers: m.powers, nonce: m.nonce }, m.signature),
  };
  return [updateChain, setPaused, guardianPause, registerKey, bridgeOut, signOutbound, attestInbound, attestResult, updateParams, signSetUpdate];
}
