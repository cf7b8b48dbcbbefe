import { parseAbi } from "viem";

/**
 * The part of NexusBridge v2 (contracts/bridge/NexusBridge.sol) the EVM family uses, written out
 * so that the bridge processes need no compiled artifacts. A test checks every entry against the
 * compiled contract's ABI, so a change of the contract that breaks these shows up there.
 */
export const NEXUS_BRIDGE_ABI = parseAbi([
  // events
  "event BridgedOut(uint256 indexed nonce, address indexed token, address indexed sender, bytes32 nexusRecipient, uint256 amount)",
  "event Minted(bytes32 indexed transferId, address indexed recipient, uint256 amount)",
  "event BhlsForwarded(bytes32 indexed transferId, bytes32 indexed citizen, uint64 epoch, address recipient, uint256 amount)",
  "event ValidatorSetUpdated(uint64 indexed setId, address[] validators, uint256[] powers, uint256 totalPower, uint256 nextNonce)",
  // calls
  "function mint(bytes32 transferId, address recipient, uint256 amount, uint64 expiresAt, bytes signatures)",
  "function deliverBhls(bytes32 transferId, bytes32 citizen, uint64 epoch, address recipient, uint256 amount, uint64 expiresAt, bytes signatures)",
  "function updateEpoch(uint64 epoch, uint256 floorAmount, bytes signatures)",
  "function updateValidatorSet(uint64 setId, address[] validators_, uint256[] powers_, uint256 nonce, bytes currentSignatures, bytes incomingSignatures)",
  "function bridgeOut(address token, uint256 amount, bytes32 nexusRecipient)",
  // views
  "function wnxt() view returns (address)",
  "function bhlsDistributor() view returns (address)",
  "function config() view returns (uint64 setId, uint64 nonce, uint96 totalPower, bool paused)",
  "function validators() view returns (address[] keys, uint256[] powers)",
  "function processed(bytes32) view returns (bool)",
  "function isExpired(bytes32 transferId, uint64 expiresAt) view returns (bool)",
  "function rateLimits(address) view returns (uint96 capacity, uint96 refillPerSecond, uint96 level, uint40 updatedAt)",
  "function available(address token) view returns (uint256)",
  "function outboundNonce() view returns (uint256)",
  "function mintDigest(bytes32 transferId, address recipient, uint256 amount, uint64 expiresAt) view returns (bytes32)",
  "function validatorSetDigest(uint64 setId, address[] validators_, uint256[] powers_, uint256 nonce) view returns (bytes32)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
  // errors (every one the calls above can revert with)
  "error Paused()",
  "error ZeroAmount()",
  "error ZeroAddress()",
  "error TransferAlreadyProcessed(bytes32 transferId)",
  "error TransferExpired(bytes32 transferId, uint64 expiresAt, uint256 timestamp)",
  "error InvalidSignatureLength(uint256 length)",
  "error InsufficientPower(uint256 signedPower, uint256 totalPower)",
  "error InvalidSignature(uint256 index)",
  "error DuplicateSigner(address signer)",
  "error SignersNotAscending(address signer, address previous)",
  "error NotValidator(address signer)",
  "error InvalidValidatorSet()",
  "error InvalidSetId(uint256 provided, uint256 expected)",
  "error InvalidNonce(uint256 provided, uint256 expected)",
  "error TokenNotBridged(address token)",
  "error RateLimitExceeded(address token, uint256 amount, uint256 available)",
  "error InvalidRateLimit()",
  "error AlreadyInState(bool paused)",
]);

/**
 * The part of BHLSDistributor (contracts/bhls/BHLSDistributor.sol) the family uses: the epoch it
 * has open, and the errors a deliverBhls or updateEpoch can revert with from inside it (checked
 * against the compiled contract like NEXUS_BRIDGE_ABI).
 */
export const BHLS_DISTRIBUTOR_ABI = parseAbi([
  "function epochState() view returns (uint64 epoch, uint80 floorAmount, uint80 previousFloorAmount, bool open)",
  "function delivered(bytes32 citizen, uint64 epoch) view returns (bool)",
  "error AlreadyDelivered(bytes32 citizen, uint64 epoch)",
  "error EpochNotOpen(uint64 epoch, uint64 currentEpoch)",
  "error ClaimAboveFloor(uint256 amount, uint256 floorAmount)",
  "error EpochNotIncreasing(uint64 epoch, uint64 currentEpoch)",
  "error InvalidFloor(uint256 floorAmount)",
]);

/** What the submitter calls NexusBridge with: its ABI plus the distributor's errors, so reverts decode. */
export const BRIDGE_CALL_ABI = [...NEXUS_BRIDGE_ABI, ...BHLS_DISTRIBUTOR_ABI.filter((x) => x.type === "error")] as const;

/** EIP-712 domain of NexusBridge v2 (notes/bridge-contract.md). */
export const BRIDGE_DOMAIN_NAME = "NexusBridge";
export const BRIDGE_DOMAIN_VERSION = "2";

export interface BridgeDomain {
  readonly name: typeof BRIDGE_DOMAIN_NAME;
  readonly version: typeof BRIDGE_DOMAIN_VERSION;
  readonly chainId: number;
  readonly verifyingContract: `0x${string}`;
}

export function bridgeDomain(chainId: number, verifyingContract: `0x${string}`): BridgeDomain {
  return { name: BRIDGE_DOMAIN_NAME, version: BRIDGE_DOMAIN_VERSION, chainId, verifyingContract };
}

/**
 * Every EIP-712 type NexusBridge verifies, exactly as it hashes them (docs/contracts.md): what
 * validators sign and what tests and the local developer tools sign the same way.
 */
export const BRIDGE_TYPES = {
  Mint: [
    { name: "transferId", type: "bytes32" },
    { name: "recipient", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "expiresAt", type: "uint64" },
  ],
  Release: [
    { name: "transferId", type: "bytes32" },
    { name: "token", type: "address" },
    { name: "recipient", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "expiresAt", type: "uint64" },
  ],
  BhlsDelivery: [
    { name: "transferId", type: "bytes32" },
    { name: "citizen", type: "bytes32" },
    { name: "epoch", type: "uint64" },
    { name: "recipient", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "expiresAt", type: "uint64" },
  ],
  ValidatorSetUpdate: [
    { name: "setId", type: "uint64" },
    { name: "validators", type: "address[]" },
    { name: "powers", type: "uint256[]" },
    { name: "nonce", type: "uint256" },
  ],
  EpochUpdate: [
    { name: "epoch", type: "uint64" },
    { name: "floorAmount", type: "uint256" },
  ],
  Pause: [{ name: "pauseNonce", type: "uint256" }],
  Unpause: [{ name: "nonce", type: "uint256" }],
  SetRateLimit: [
    { name: "token", type: "address" },
    { name: "capacity", type: "uint256" },
    { name: "refillPerSecond", type: "uint256" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

export const MINT_TYPES = { Mint: BRIDGE_TYPES.Mint } as const;
/** Every outbound record's types: Mint (transfers), BhlsDelivery, EpochUpdate. */
export const OUTBOUND_TYPES = { Mint: BRIDGE_TYPES.Mint, BhlsDelivery: BRIDGE_TYPES.BhlsDelivery, EpochUpdate: BRIDGE_TYPES.EpochUpdate } as const;
export const VALIDATOR_SET_TYPES = { ValidatorSetUpdate: BRIDGE_TYPES.ValidatorSetUpdate } as const;
