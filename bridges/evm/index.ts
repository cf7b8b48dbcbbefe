/** bridges/evm: the EVM family of the bridge core (docs/bridges.md "EVM"). */
export { NEXUS_BRIDGE_ABI, MINT_TYPES, VALIDATOR_SET_TYPES, bridgeDomain, BRIDGE_DOMAIN_NAME, BRIDGE_DOMAIN_VERSION, type BridgeDomain } from "./abi.ts";
export { checkBridge, type CheckedBridge } from "./client.ts";
export { EvmBridgeError, mapBridgeError, type EvmErrorCode } from "./errors.ts";
export { createEvmFamily, checkEvmFamily, evmFamilyOptionsSchema, parseEvmFamilyOptions, type EvmFamily, type EvmFamilyOptions } from "./family.ts";
export { loadEvmAccount, type KeySource } from "./keys.ts";
export { packSignatures, type PackedSignatures } from "./signatures.ts";
export { EvmDestinationSigner } from "./signer.ts";
export { EvmSourceWatcher } from "./source.ts";
export { EvmDestinationSubmitter, type EvmSubmitResult } from "./submitter.ts";
export { mintMessage, type MintMessage } from "./transfer.ts";
export {
  desiredSet,
  planValidatorSetUpdate,
  readBridgeSet,
  submitValidatorSetUpdate,
  validatorSetUpdateDigest,
  type AttestationKeys,
  type BridgeSet,
  type ValidatorSetUpdate,
} from "./validator-set.ts";
