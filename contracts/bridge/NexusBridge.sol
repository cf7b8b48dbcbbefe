// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {WNXT} from "../token/WNXT.sol";
import {BHLSDistributor} from "../bhls/BHLSDistributor.sol";

/// @title NexusBridge: the EVM end of the NexusOS bridge
/// @notice Mints WNXT, releases locked ERC-20s and forwards cross-chain BHLS
/// claims only on an attestation by the NexusOS validator set with the chain's
/// own threshold: secp256k1 signatures over an EIP-712 message from the EVM
/// attestation keys the validators registered on NexusOS, whose NexusOS voting
/// powers sum to more than 2/3 of the set's total power. Everything that
/// changes the bridge (validator set, pause, rate limits) is signed by the
/// current set too; there is no owner. The bridge deploys WNXT and the
/// BHLSDistributor itself, so both are bound to it from creation.
///
/// Signatures are passed packed, 65 bytes each (r ‖ s ‖ v), ordered by strictly
/// ascending signer address, which rejects duplicates in one pass.
contract NexusBridge is EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 public constant MINT_TYPEHASH =
        keccak256("Mint(bytes32 transferId,address recipient,uint256 amount,uint64 expiresAt)");
    bytes32 public constant RELEASE_TYPEHASH =
        keccak256("Release(bytes32 transferId,address token,address recipient,uint256 amount,uint64 expiresAt)");
    bytes32 public constant BHLS_TYPEHASH = keccak256(
        "BhlsDelivery(bytes32 transferId,bytes32 citizen,uint64 epoch,address recipient,uint256 amount,uint64 expiresAt)"
    );
    bytes32 public constant VALIDATOR_SET_TYPEHASH =
        keccak256("ValidatorSetUpdate(uint64 setId,address[] validators,uint256[] powers,uint256 nonce)");
    bytes32 public constant PAUSE_TYPEHASH = keccak256("Pause(uint256 pauseNonce)");
    bytes32 public constant UNPAUSE_TYPEHASH = keccak256("Unpause(uint256 nonce)");
    /// @dev No nonce: the epoch is its own sequence (strictly increasing), so per-epoch
    /// updates neither wait for nor cancel other governance messages.
    bytes32 public constant EPOCH_TYPEHASH = keccak256("EpochUpdate(uint64 epoch,uint256 floorAmount)");
    bytes32 public constant RATE_LIMIT_TYPEHASH =
        keccak256("SetRateLimit(address token,uint256 capacity,uint256 refillPerSecond,uint256 nonce)");

    uint256 public constant MAX_VALIDATORS = 128;

    WNXT public immutable wnxt;
    BHLSDistributor public immutable bhlsDistributor;

    /// @dev Packed in one slot: every attested call reads it once.
    struct Config {
        uint64 setId; // current validator set, starts at 1
        uint64 nonce; // next nonce for set-signed governance messages
        uint96 totalPower; // sum of the current set's powers
        bool paused;
    }

    /// @dev A key's registration, one slot: the set it was last registered in and its power there.
    struct Member {
        uint64 setId;
        uint96 power;
    }

    /// @dev Per-token outflow limit, a token bucket: it holds at most `capacity`,
    /// refills at `refillPerSecond`, and every inbound transfer takes its amount
    /// out of it. Two slots: the parameters, and the level with its time.
    struct RateLimit {
        uint96 capacity; // 0 = token not bridged
        uint96 refillPerSecond;
        uint96 level; // as of `updatedAt`
        uint40 updatedAt; // unix seconds
    }

    Config public config;
    address[] private validatorList;
    /// @notice Set id a key was last registered in, and its power in that set; a key is a
    /// validator iff its setId equals config.setId.
    mapping(address => Member) public members;
    /// @notice Transfer ids already executed (mint, release or BHLS alike).
    mapping(bytes32 => bool) public processed;
    mapping(address => RateLimit) public rateLimits;
    /// @notice Sequence number of the last outbound transfer.
    uint256 public outboundNonce;
    /// @notice Pauses so far: the next Pause message must carry this value, and an
    /// Unpause lifts the current pause only when it carries this value too.
    /// Separate from the governance nonce, so no other message cancels a
    /// pre-signed emergency pause.
    uint256 public pauseNonce;

    /// @notice Outbound: the relayer credits `nexusRecipient` on NexusOS.
    event BridgedOut(
        uint256 indexed nonce, address indexed token, address indexed sender, bytes32 nexusRecipient, uint256 amount
    );
    event Minted(bytes32 indexed transferId, address indexed recipient, uint256 amount);
    event Released(bytes32 indexed transferId, address indexed token, address indexed recipient, uint256 amount);
    event BhlsForwarded(
        bytes32 indexed transferId, bytes32 indexed citizen, uint64 epoch, address recipient, uint256 amount
    );
    /// @notice The set in force from now on. `nextNonce` is the nonce the next set-signed
    /// governance message must carry (0 at construction).
    event ValidatorSetUpdated(
        uint64 indexed setId, address[] validators, uint256[] powers, uint256 totalPower, uint256 nextNonce
    );
    /// @notice Paused or resumed; `pauseNonce` is the value after the change.
    event PauseStateChanged(bool paused, uint256 pauseNonce);
    /// @notice A token's bucket parameters changed (also at construction); `level` is what
    /// it holds now, `nextNonce` the nonce the next set-signed governance message carries.
    event RateLimitSet(
        address indexed token, uint256 capacity, uint256 refillPerSecond, uint256 level, uint256 nextNonce
    );

    error Paused();
    error ZeroAmount();
    error ZeroAddress();
    error TransferAlreadyProcessed(bytes32 transferId);
    error TransferExpired(bytes32 transferId, uint64 expiresAt, uint256 timestamp);
    error InvalidSignatureLength(uint256 length);
    error InsufficientPower(uint256 signedPower, uint256 totalPower);
    error InvalidSignature(uint256 index);
    error DuplicateSigner(address signer);
    error SignersNotAscending(address signer, address previous);
    error NotValidator(address signer);
    error InvalidValidatorSet();
    error InvalidSetId(uint256 provided, uint256 expected);
    error InvalidNonce(uint256 provided, uint256 expected);
    error TokenNotBridged(address token);
    error RateLimitExceeded(address token, uint256 amount, uint256 available);
    error InvalidRateLimit();
    error AlreadyInState(bool paused);

    constructor(
        address[] memory validators_,
        uint256[] memory powers_,
        uint256 wnxtCapacity,
        uint256 wnxtRefillPerSecond,
        uint256 bhlsCapacity,
        uint256 bhlsRefillPerSecond
    ) EIP712("NexusBridge", "2") {
        WNXT token = new WNXT();
        wnxt = token;
        BHLSDistributor distributor = new BHLSDistributor(address(token));
        bhlsDistributor = distributor;
        _storeValidators(validators_, powers_, _checkValidators(validators_, powers_), 1);
        if (wnxtCapacity == 0 || wnxtRefillPerSecond == 0) revert InvalidRateLimit();
        _setRateLimit(address(token), wnxtCapacity, wnxtRefillPerSecond, true);
        // BHLS deliveries have their own bucket, keyed by the distributor's address.
        if (bhlsCapacity == 0 || bhlsRefillPerSecond == 0) revert InvalidRateLimit();
        _setRateLimit(address(distributor), bhlsCapacity, bhlsRefillPerSecond, true);
        // The initial state in full, so a relayer can rebuild the bridge from its logs alone.
        emit PauseStateChanged(false, 0);
    }

    // ------------------------------------------------------------------ views

    /// @notice The current set: keys (ascending) and their powers.
    function validators() external view returns (address[] memory keys, uint256[] memory powers) {
        keys = validatorList;
        powers = new uint256[](keys.length);
        for (uint256 i; i < keys.length; i++) {
            powers[i] = members[keys[i]].power;
        }
    }

    function isValidator(address key) public view returns (bool) {
        return members[key].setId == config.setId;
    }

    /// @notice A key's power in the current set (0 if it is not in it).
    function powerOf(address key) external view returns (uint256) {
        Member memory m = members[key];
        return m.setId == config.setId ? m.power : 0;
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice True once a signed transfer can never execute here: not executed and
    /// this block's time is past its `expiresAt`. Block time never goes back, so
    /// a true answer at a final block is final: what validators attest before
    /// NexusOS refunds the sender.
    function isExpired(bytes32 transferId, uint64 expiresAt) external view returns (bool) {
        return !processed[transferId] && block.timestamp > expiresAt;
    }

    function mintDigest(bytes32 transferId, address recipient, uint256 amount, uint64 expiresAt)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(MINT_TYPEHASH, transferId, recipient, amount, expiresAt)));
    }

    function releaseDigest(bytes32 transferId, address token, address recipient, uint256 amount, uint64 expiresAt)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(abi.encode(RELEASE_TYPEHASH, transferId, token, recipient, amount, expiresAt))
        );
    }

    function bhlsDigest(
        bytes32 transferId,
        bytes32 citizen,
        uint64 epoch,
        address recipient,
        uint256 amount,
        uint64 expiresAt
    ) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(BHLS_TYPEHASH, transferId, citizen, epoch, recipient, amount, expiresAt))
        );
    }

    function validatorSetDigest(
        uint64 setId,
        address[] calldata validators_,
        uint256[] calldata powers_,
        uint256 nonce
    ) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    VALIDATOR_SET_TYPEHASH,
                    setId,
                    keccak256(abi.encodePacked(validators_)),
                    keccak256(abi.encodePacked(powers_)),
                    nonce
                )
            )
        );
    }

    function pauseDigest(uint256 pauseNonce_) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(PAUSE_TYPEHASH, pauseNonce_)));
    }

    function unpauseDigest(uint256 nonce) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(UNPAUSE_TYPEHASH, nonce)));
    }

    function rateLimitDigest(address token, uint256 capacity, uint256 refillPerSecond, uint256 nonce)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(RATE_LIMIT_TYPEHASH, token, capacity, refillPerSecond, nonce)));
    }

    function epochDigest(uint64 epoch, uint256 floorAmount) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(EPOCH_TYPEHASH, epoch, floorAmount)));
    }

    /// @notice What `token` can flow out right now: its bucket's current level.
    function available(address token) external view returns (uint256) {
        return _level(rateLimits[token]);
    }

    // ------------------------------------------------------ attested inbound

    /// @notice Mints WNXT for NXT locked on NexusOS. Executable until `expiresAt`
    /// (unix seconds, inclusive) only.
    function mint(bytes32 transferId, address recipient, uint256 amount, uint64 expiresAt, bytes calldata signatures)
        external
    {
        _beginTransfer(transferId, address(wnxt), recipient, amount, expiresAt);
        _verify(mintDigest(transferId, recipient, amount, expiresAt), signatures);
        wnxt.mint(recipient, amount);
        emit Minted(transferId, recipient, amount);
    }

    /// @notice Releases an ERC-20 previously locked here by `bridgeOut`.
    /// Guarded: it calls an arbitrary (if validator-approved) token.
    function release(
        bytes32 transferId,
        address token,
        address recipient,
        uint256 amount,
        uint64 expiresAt,
        bytes calldata signatures
    ) external nonReentrant {
        _beginTransfer(transferId, token, recipient, amount, expiresAt);
        _verify(releaseDigest(transferId, token, recipient, amount, expiresAt), signatures);
        IERC20(token).safeTransfer(recipient, amount);
        emit Released(transferId, token, recipient, amount);
    }

    /// @notice Mints a citizen's BHLS claim to the distributor, which pays `recipient`
    /// at most once per (citizen, epoch), for the current or previous NexusOS
    /// epoch only and at most its floor amount. Draws on the BHLS bucket
    /// (`rateLimits[bhlsDistributor]`), not on WNXT's.
    function deliverBhls(
        bytes32 transferId,
        bytes32 citizen,
        uint64 epoch,
        address recipient,
        uint256 amount,
        uint64 expiresAt,
        bytes calldata signatures
    ) external {
        _beginTransfer(transferId, address(bhlsDistributor), recipient, amount, expiresAt);
        _verify(bhlsDigest(transferId, citizen, epoch, recipient, amount, expiresAt), signatures);
        wnxt.mint(address(bhlsDistributor), amount);
        bhlsDistributor.deliver(transferId, citizen, epoch, recipient, amount);
        emit BhlsForwarded(transferId, citizen, epoch, recipient, amount);
    }

    // --------------------------------------------------------------- outbound

    /// @notice Sends `amount` of `token` to `nexusRecipient` on NexusOS: WNXT is
    /// burned, other bridged ERC-20s are locked here. Guarded, because a token
    /// re-entering between the two balance reads would be credited twice.
    function bridgeOut(address token, uint256 amount, bytes32 nexusRecipient) external nonReentrant {
        if (config.paused) revert Paused();
        if (amount == 0) revert ZeroAmount();
        if (nexusRecipient == bytes32(0)) revert ZeroAddress();
        if (token == address(wnxt)) {
            wnxt.burn(msg.sender, amount);
        } else {
            if (rateLimits[token].capacity == 0 || token == address(bhlsDistributor)) revert TokenNotBridged(token);
            // Credit what actually arrived (fee-on-transfer tokens).
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
            amount = IERC20(token).balanceOf(address(this)) - before;
            if (amount == 0) revert ZeroAmount();
        }
        emit BridgedOut(++outboundNonce, token, msg.sender, nexusRecipient, amount);
    }

    // ------------------------------------------------------ set-signed admin

    /// @notice Replaces the validator set with set `setId` (the current id + 1).
    /// The same ValidatorSetUpdate message is signed twice over: by more than 2/3
    /// of the current set's power (`currentSignatures`) and by more than 2/3 of
    /// the incoming set's power (`incomingSignatures`), which proves the new keys
    /// are held before the bridge depends on them. New keys must be strictly
    /// ascending (no duplicates, no zero address) with a non-zero power each.
    function updateValidatorSet(
        uint64 setId,
        address[] calldata validators_,
        uint256[] calldata powers_,
        uint256 nonce,
        bytes calldata currentSignatures,
        bytes calldata incomingSignatures
    ) external {
        uint64 expected = config.setId + 1;
        if (setId != expected) revert InvalidSetId(setId, expected);
        _useNonce(nonce);
        uint256 total = _checkValidators(validators_, powers_);
        bytes32 digest = validatorSetDigest(setId, validators_, powers_, nonce);
        _verify(digest, currentSignatures);
        _verifyIncoming(digest, incomingSignatures, validators_, powers_, total);
        _storeValidators(validators_, powers_, total, setId);
    }

    /// @notice Guardian path: validators holding more than 1/3 of the power
    /// (enough to halt NexusOS itself) stop `mint`, `release`, `deliverBhls` and
    /// `bridgeOut`. `pauseNonce_` must equal `pauseNonce`; no other message moves
    /// it, so a pre-signed pause stays valid until used. Governance (set
    /// rotation, limits, epochs) still works while paused.
    function pause(uint256 pauseNonce_, bytes calldata signatures) external {
        if (config.paused) revert AlreadyInState(true);
        uint256 expected = pauseNonce;
        if (pauseNonce_ != expected) revert InvalidNonce(pauseNonce_, expected);
        Config memory cfg = config;
        uint256 signed = _signedPower(pauseDigest(pauseNonce_), signatures, cfg.setId);
        if (signed * 3 <= cfg.totalPower) revert InsufficientPower(signed, cfg.totalPower);
        pauseNonce = expected + 1;
        config.paused = true;
        emit PauseStateChanged(true, expected + 1);
    }

    /// @notice Resumes, on the full threshold (more than 2/3 of the power).
    /// `nonce` must equal the current `pauseNonce`, which binds an Unpause to
    /// the pause it lifts: a held Unpause cannot lift a later pause.
    function unpause(uint256 nonce, bytes calldata signatures) external {
        if (!config.paused) revert AlreadyInState(false);
        uint256 expected = pauseNonce;
        if (nonce != expected) revert InvalidNonce(nonce, expected);
        _verify(unpauseDigest(nonce), signatures);
        config.paused = false;
        emit PauseStateChanged(false, expected);
    }

    /// @notice Opens NexusOS epoch `epoch` for BHLS deliveries with its floor
    /// amount (the most one claim may deliver), on the full threshold. Epochs
    /// only increase; see BHLSDistributor for which epochs accept claims.
    function updateEpoch(uint64 epoch, uint256 floorAmount, bytes calldata signatures) external {
        _verify(epochDigest(epoch, floorAmount), signatures);
        bhlsDistributor.setEpoch(epoch, floorAmount);
    }

    /// @notice Sets a token's bucket (the BHLS bucket: token = bhlsDistributor); a capacity of 0 stops bridging the token.
    /// Never grants fresh capacity: the bucket keeps its current level (refilled
    /// up to now at the old rate), capped at the new capacity; a token never
    /// bridged before starts empty and fills at `refillPerSecond`.
    function setRateLimit(
        address token,
        uint256 capacity,
        uint256 refillPerSecond,
        uint256 nonce,
        bytes calldata signatures
    ) external {
        _useNonce(nonce);
        _verify(rateLimitDigest(token, capacity, refillPerSecond, nonce), signatures);
        _setRateLimit(token, capacity, refillPerSecond, false);
    }

    // --------------------------------------------------------------- internal

    /// @dev Checks shared by every attested inbound transfer: not paused, fresh
    /// transfer id (marked now, before any external call), not expired, within
    /// the rate limit.
    function _beginTransfer(bytes32 transferId, address token, address recipient, uint256 amount, uint64 expiresAt)
        private
    {
        if (config.paused) revert Paused();
        if (amount == 0) revert ZeroAmount();
        if (recipient == address(0)) revert ZeroAddress();
        if (processed[transferId]) revert TransferAlreadyProcessed(transferId);
        if (block.timestamp > expiresAt) revert TransferExpired(transferId, expiresAt, block.timestamp);
        processed[transferId] = true;
        _consume(token, amount);
    }

    function _consume(address token, uint256 amount) private {
        RateLimit storage rl = rateLimits[token];
        if (rl.capacity == 0) revert TokenNotBridged(token);
        uint256 level = _level(rl);
        if (amount > level) revert RateLimitExceeded(token, amount, level);
        rl.level = uint96(level - amount);
        rl.updatedAt = uint40(block.timestamp);
    }

    /// @dev The bucket's level now: its stored level plus the refill since, at most its capacity.
    function _level(RateLimit storage rl) private view returns (uint256) {
        uint256 capacity = rl.capacity;
        uint256 level = rl.level + (block.timestamp - rl.updatedAt) * rl.refillPerSecond;
        return level < capacity ? level : capacity;
    }

    function _setRateLimit(address token, uint256 capacity, uint256 refillPerSecond, bool full) private {
        if (token == address(0) || capacity > type(uint96).max || refillPerSecond > type(uint96).max) {
            revert InvalidRateLimit();
        }
        RateLimit storage rl = rateLimits[token];
        uint256 level = full ? capacity : _level(rl);
        if (level > capacity) level = capacity;
        rateLimits[token] = RateLimit(uint96(capacity), uint96(refillPerSecond), uint96(level), uint40(block.timestamp));
        emit RateLimitSet(token, capacity, refillPerSecond, level, config.nonce);
    }

    function _useNonce(uint256 nonce) private {
        uint64 expected = config.nonce;
        if (nonce != expected) revert InvalidNonce(nonce, expected);
        config.nonce = expected + 1;
    }

    /// @dev Validates a set and returns its total power: 1 to MAX_VALIDATORS keys,
    /// strictly ascending (so no duplicates and no zero address), one non-zero
    /// power each, the total within uint96.
    function _checkValidators(address[] memory validators_, uint256[] memory powers_)
        private
        pure
        returns (uint256 total)
    {
        uint256 n = validators_.length;
        if (n == 0 || n > MAX_VALIDATORS || powers_.length != n) revert InvalidValidatorSet();
        address previous;
        for (uint256 i; i < n; i++) {
            address v = validators_[i];
            uint256 p = powers_[i];
            if (v <= previous || p == 0 || p > type(uint96).max) revert InvalidValidatorSet();
            total += p;
            previous = v;
        }
        if (total > type(uint96).max) revert InvalidValidatorSet();
    }

    function _storeValidators(address[] memory validators_, uint256[] memory powers_, uint256 total, uint64 setId)
        private
    {
        for (uint256 i; i < validators_.length; i++) {
            members[validators_[i]] = Member(setId, uint96(powers_[i]));
        }
        validatorList = validators_;
        config.setId = setId;
        config.totalPower = uint96(total);
        emit ValidatorSetUpdated(setId, validators_, powers_, total, config.nonce);
    }

    /// @dev Reverts unless `signatures` are valid signatures of `digest` by
    /// distinct members of the current set whose powers sum to more than 2/3 of
    /// the set's total power.
    function _verify(bytes32 digest, bytes calldata signatures) private view {
        Config memory cfg = config;
        uint256 signed = _signedPower(digest, signatures, cfg.setId);
        if (signed * 3 <= uint256(cfg.totalPower) * 2) revert InsufficientPower(signed, cfg.totalPower);
    }

    /// @dev Sum of the current-set powers behind `signatures` (see `_verify`).
    function _signedPower(bytes32 digest, bytes calldata signatures, uint64 setId)
        private
        view
        returns (uint256 signed)
    {
        uint256 count = _signatureCount(signatures);
        address previous;
        for (uint256 i; i < count; i++) {
            address signer = _signer(digest, signatures, i, previous);
            Member memory m = members[signer];
            if (m.setId != setId) revert NotValidator(signer);
            signed += m.power;
            previous = signer;
        }
    }

    /// @dev Like `_verify`, against a set given in calldata (already checked
    /// ascending): a merge walk of the ascending signers over the ascending keys.
    function _verifyIncoming(
        bytes32 digest,
        bytes calldata signatures,
        address[] calldata validators_,
        uint256[] calldata powers_,
        uint256 total
    ) private pure {
        uint256 count = _signatureCount(signatures);
        uint256 n = validators_.length;
        uint256 j;
        uint256 signed;
        address previous;
        for (uint256 i; i < count; i++) {
            address signer = _signer(digest, signatures, i, previous);
            while (j < n && validators_[j] < signer) j++;
            if (j == n || validators_[j] != signer) revert NotValidator(signer);
            signed += powers_[j];
            previous = signer;
        }
        if (signed * 3 <= total * 2) revert InsufficientPower(signed, total);
    }

    function _signatureCount(bytes calldata signatures) private pure returns (uint256) {
        uint256 len = signatures.length;
        if (len % 65 != 0) revert InvalidSignatureLength(len);
        return len / 65;
    }

    /// @dev Recovers the signer of the `i`-th packed signature and checks it is
    /// strictly above `previous` (ascending order, no duplicates).
    function _signer(bytes32 digest, bytes calldata signatures, uint256 i, address previous)
        private
        pure
        returns (address signer)
    {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            let p := add(signatures.offset, mul(i, 65))
            r := calldataload(p)
            s := calldataload(add(p, 32))
            v := byte(0, calldataload(add(p, 64)))
        }
        ECDSA.RecoverError err;
        (signer, err,) = ECDSA.tryRecover(digest, v, r, s);
        if (err != ECDSA.RecoverError.NoError) revert InvalidSignature(i);
        if (signer <= previous) {
            if (signer == previous) revert DuplicateSigner(signer);
            revert SignersNotAscending(signer, previous);
        }
    }
}
