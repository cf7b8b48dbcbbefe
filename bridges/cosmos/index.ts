/** bridges/cosmos: the Cosmos family of the bridge core (docs/bridges.md "Cosmos"). */
export { CosmosRpc } from "./client.ts";
export { CosmosBridgeError, type CosmosErrorCode } from "./errors.ts";
export { escrowFromAttestationKeys, escrowMultisig, thresholdFor, type AttestationKeys, type EscrowMultisig } from "./escrow.ts";
export { createCosmosFamily, cosmosFamilyOptionsSchema, parseCosmosFamilyOptions, type CosmosFamily, type CosmosFamilyOptions } from "./family.ts";
export { HANDOVER_MEMO_PREFIX, HandoverUpkeep, handoverBody, handoverSignBytes, handoverTx, memberAddress, planHandover, POST_MEMO_PREFIX, type Handover } from "./handover.ts";
export { CosmosKey, loadCosmosKey, verifyCosmosSignature, type KeySource } from "./keys.ts";
export { aminoJsonBytes, aminoSignDoc, multisigTx, releaseBody, releaseSignBytes, releaseTimeout, releaseTx, rfc3339, timeoutNanos, txHash, type Release } from "./signdoc.ts";
export { Escrows, EscrowSets } from "./sets.ts";
export { CosmosDestinationSigner } from "./signer.ts";
export { CosmosSourceWatcher, inboundSeq } from "./source.ts";
export { CosmosDestinationSubmitter, type CosmosSubmitResult } from "./submitter.ts";
export { bech32Problem, Releases, type CosmosChainSettings } from "./transfer.ts";
