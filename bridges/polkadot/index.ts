/** bridges/polkadot: the Substrate family of the bridge core (docs/bridges.md "Polkadot"). */
export { MultisigApprover, type ApprovalOutcome, type MultisigOp } from "./approvals.ts";
export { SubstrateChain, type Inclusion } from "./chain.ts";
export { POLKADOT_ERRORS, PolkadotError, type PolkadotErrorCode } from "./errors.ts";
export { createSubstrateFamily, parseSubstrateFamilyOptions, substrateFamilyOptionsSchema, type SubstrateChainSettings, type SubstrateFamily, type SubstrateFamilyOptions } from "./family.ts";
export { SubstrateKey, loadSubstrateKey, verifySubstrateSignature } from "./keys.ts";
export { bridgeMultisig, multisigFromAttestationKeys, type BridgeMultisig } from "./multisig.ts";
export { ASSET_DECIMALS, RECEIPT_ACCOUNT, VOID_ACCOUNT, acceptCall, acceptedBy, checkTransfer, handoverCall, holdersOf, receiptOf, recipientAccount, releaseCall, setupCall, voidCall, type BridgedAsset, type Holders } from "./release.ts";
export { MultisigSets } from "./sets.ts";
export { releaseSigningMessage, SubstrateDestinationSigner } from "./signer.ts";
export { SubstrateSourceWatcher, accountHex, inboundSeq, remarksOf } from "./source.ts";
export { SubstrateDestinationSubmitter } from "./submitter.ts";
export { DEFAULT_REAPPROVE_AFTER_MS, MultisigUpkeep } from "./upkeep.ts";
