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
/// claims only on an attestation by the NexusOS validator set: at least
/// `threshold` secp256k1 signatures over an EIP-712 message, from the EVM
/// attestation keys the validators registered on NexusOS. Everything that
/// changes the bridge (validator set, pause, rate limits) is signed by the
/// current set too; there is no owner. The bridge deploys WNXT and the
/// BHLSDistributor itself, so both are bound to it from creation.
///
/// Signatures are passed packed, 65 bytes each (r ‖ s ‖ v), ordered by strictly
/// ascending signer address, which rejects duplicates in one pass.
contract NexusBridge is EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 public constant MINT_TYPEHASH = keccak256("Mint(bytes32 transferId,address recipient,uint256 amount)");
    bytes32 public constant RELEASE_TYPEHASH =
        keccak256("Release(bytes32 transferId,address token,address recipient,uint256 amount)");
    bytes32 public constant BHLS_TYPEHASH = keccak256(
        "BhlsDelivery(bytes32 transferId,bytes32 citizen,uint64 epoch,address recipient,uint256 amount)"
    );
    bytes32 public constant VALIDATOR_SET_TYPEHASH =
        keccak256("ValidatorSetUpdate(address[] validators,uint256 threshold,uint256 nonce)");
    bytes32 public constant PAUSE_TYPEHASH = keccak256("SetPaused(bool paused,uint256 nonce)");
    bytes32 public constant RATE_LIMIT_TYPEHASH =
        keccak256("SetRateLimit(address token,uint256 limit,uint256 period,uint256 nonce)");

    uint256 public constant MAX_VALIDATORS = 128;

    WNXT public immutable wnxt;
    BHLSDistributor public immutable bhlsDistributor;

    /// @dev Packed in one slot: every attested call reads it once.
    struct Config {
        uint64 setId; // current validator set, starts at 1
        uint64 nonce; // next nonce for set-signed governance messages
        uint16 threshold;
        bool paused;
    }

    /// @dev Per-token fixed-period outflow limit, packed in one slot.
    struct RateLimit {
        uint96 limit; // per period; 0 = token not bridged
        uint32 period; // seconds
        uint96 used; // in the period `periodIndex`
        uint32 periodIndex; // block.timestamp / period
    }

    Config public config;
    address[] private validatorList;
    /// @notice Set id a key was last registered in; a key is a validator iff it equals config.setId.
    mapping(address => uint64) public validatorSetOf;
    /// @notice Transfer ids already executed (mint, release or BHLS alike).
    mapping(bytes32 => bool) public processed;
    mapping(address => RateLimit) public rateLimits;
    /// @notice Sequence number of the last outbound transfer.
    uint256 public outboundNonce;

    /// @notice Outbound: the relayer credits `nexusRecipient` on NexusOS.
    event BridgedOut(
        uint256 indexed nonce, address indexed token, address indexed sender, bytes32 nexusRecipient, uint256 amount
    );
    event Minted(bytes32 indexed transferId, address indexed recipient, uint256 amount);
    event Released(bytes32 indexed transferId, address indexed token, address indexed recipient, uint256 amount);
    event BhlsForwarded(
        bytes32 indexed transferId, bytes32 indexed citizen, uint64 epoch, address recipient, uint256 amount
    );
    event ValidatorSetUpdated(uint64 indexed setId, address[] validators, uint256 threshold);
    event PausedSet(bool paused, uint256 nonce);
    event RateLimitSet(address indexed token, uint256 limit, uint256 period, uint256 nonce);

    error Paused();
    error ZeroAmount();
    error ZeroAddress();
    error TransferAlreadyProcessed(bytes32 transferId);
    error InvalidSignatureLength(uint256 length);
    error InsufficientSignatures(uint256 provided, uint256 threshold);
    error InvalidSignature(uint256 index);
    error DuplicateSigner(address signer);
    error SignersNotAscending(address signer, address previous);
    error NotValidator(address signer);
    error InvalidValidatorSet();
    error InvalidThreshold(uint256 threshold, uint256 validators);
    error InvalidNonce(uint256 provided, uint256 expected);
    error TokenNotBridged(address token);
    error RateLimitExceeded(address token, uint256 amount, uint256 available);
    error InvalidRateLimit();
    error AlreadyInState(bool paused);

    constructor(address[] memory validators_, uint256 threshold_, uint256 wnxtLimitPerPeriod, uint256 wnxtPeriod)
        EIP712("NexusBridge", "1")
    {
        WNXT token = new WNXT();
        wnxt = token;
        bhlsDistributor = new BHLSDistributor(address(token));
        _setValidators(validators_, threshold_, 1);
        _setRateLimit(address(token), wnxtLimitPerPeriod, wnxtPeriod);
    }

    // ------------------------------------------------------------------ views

    function validators() external view returns (address[] memory) {
        return validatorList;
    }

    function isValidator(address key) public view returns (bool) {
        return validatorSetOf[key] == config.setId;
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function mintDigest(bytes32 transferId, address recipient, uint256 amount) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(MINT_TYPEHASH, transferId, recipient, amount)));
    }

    function releaseDigest(bytes32 transferId, address token, address recipient, uint256 amount)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(RELEASE_TYPEHASH, transferId, token, recipient, amount)));
    }

    function bhlsDigest(bytes32 transferId, bytes32 citizen, uint64 epoch, address recipient, uint256 amount)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(BHLS_TYPEHASH, transferId, citizen, epoch, recipient, amount)));
    }

    function validatorSetDigest(address[] calldata validators_, uint256 threshold_, uint256 nonce)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(abi.encode(VALIDATOR_SET_TYPEHASH, keccak256(abi.encodePacked(validators_)), threshold_, nonce))
        );
    }

    function pauseDigest(bool paused_, uint256 nonce) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(PAUSE_TYPEHASH, paused_, nonce)));
    }

    function rateLimitDigest(address token, uint256 limit, uint256 period, uint256 nonce)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(RATE_LIMIT_TYPEHASH, token, limit, period, nonce)));
    }

    /// @notice What `token` can still flow out in the current period.
    function available(address token) external view returns (uint256) {
        RateLimit memory rl = rateLimits[token];
        if (rl.period == 0) return 0;
        uint256 used = block.timestamp / rl.period == rl.periodIndex ? rl.used : 0;
        return rl.limit > used ? rl.limit - used : 0;
    }

    // ------------------------------------------------------ attested inbound

    /// @notice Mints WNXT for NXT locked on NexusOS.
    function mint(bytes32 transferId, address recipient, uint256 amount, bytes calldata signatures) external {
        _beginTransfer(transferId, address(wnxt), recipient, amount);
        _verify(mintDigest(transferId, recipient, amount), signatures);
        wnxt.mint(recipient, amount);
        emit Minted(transferId, recipient, amount);
    }

    /// @notice Releases an ERC-20 previously locked here by `bridgeOut`.
    /// Guarded: it calls an arbitrary (if validator-approved) token.
    function release(bytes32 transferId, address token, address recipient, uint256 amount, bytes calldata signatures)
        external
        nonReentrant
    {
        _beginTransfer(transferId, token, recipient, amount);
        _verify(releaseDigest(transferId, token, recipient, amount), signatures);
        IERC20(token).safeTransfer(recipient, amount);
        emit Released(transferId, token, recipient, amount);
    }

    /// @notice Mints a citizen's BHLS claim to the distributor, which pays `recipient`
    /// at most once per (citizen, epoch).
    function deliverBhls(
        bytes32 transferId,
        bytes32 citizen,
        uint64 epoch,
        address recipient,
        uint256 amount,
        bytes calldata signatures
    ) external {
        _beginTransfer(transferId, address(wnxt), recipient, amount);
        _verify(bhlsDigest(transferId, citizen, epoch, recipient, amount), signatures);
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
            if (rateLimits[token].limit == 0) revert TokenNotBridged(token);
            // Credit what actually arrived (fee-on-transfer tokens).
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
            amount = IERC20(token).balanceOf(address(this)) - before;
            if (amount == 0) revert ZeroAmount();
        }
        emit BridgedOut(++outboundNonce, token, msg.sender, nexusRecipient, amount);
    }

    // ------------------------------------------------------ set-signed admin

    /// @notice Replaces the validator set. Signed by the current set; the new
    /// keys must be strictly ascending (no duplicates) and the threshold a strict
    /// majority of them.
    function updateValidatorSet(
        address[] calldata validators_,
        uint256 threshold_,
        uint256 nonce,
        bytes calldata signatures
    ) external {
        _useNonce(nonce);
        _verify(validatorSetDigest(validators_, threshold_, nonce), signatures);
        _setValidators(validators_, threshold_, config.setId + 1);
    }

    function setPaused(bool paused_, uint256 nonce, bytes calldata signatures) external {
        if (config.paused == paused_) revert AlreadyInState(paused_);
        _useNonce(nonce);
        _verify(pauseDigest(paused_, nonce), signatures);
        config.paused = paused_;
        emit PausedSet(paused_, nonce);
    }

    /// @notice Sets a token's outflow limit per period; a limit of 0 stops
    /// bridging the token. Resets the current period's usage.
    function setRateLimit(address token, uint256 limit, uint256 period, uint256 nonce, bytes calldata signatures)
        external
    {
        _useNonce(nonce);
        _verify(rateLimitDigest(token, limit, period, nonce), signatures);
        _setRateLimit(token, limit, period);
        emit RateLimitSet(token, limit, period, nonce);
    }

    // --------------------------------------------------------------- internal

    /// @dev Checks shared by every attested inbound transfer: not paused, fresh
    /// transfer id (marked now, before any external call), within the rate limit.
    function _beginTransfer(bytes32 transferId, address token, address recipient, uint256 amount) private {
        if (config.paused) revert Paused();
        if (amount == 0) revert ZeroAmount();
        if (recipient == address(0)) revert ZeroAddress();
        if (processed[transferId]) revert TransferAlreadyProcessed(transferId);
        processed[transferId] = true;
        _consume(token, amount);
    }

    function _consume(address token, uint256 amount) private {
        RateLimit memory rl = rateLimits[token];
        if (rl.limit == 0) revert TokenNotBridged(token);
        uint32 index = uint32(block.timestamp / rl.period);
        uint256 used = index == rl.periodIndex ? rl.used : 0;
        if (used + amount > rl.limit) revert RateLimitExceeded(token, amount, rl.limit - used);
        rateLimits[token] = RateLimit(rl.limit, rl.period, uint96(used + amount), index);
    }

    function _setRateLimit(address token, uint256 limit, uint256 period) private {
        if (token == address(0) || limit > type(uint96).max || period == 0 || period > type(uint32).max) {
            revert InvalidRateLimit();
        }
        rateLimits[token] = RateLimit(uint96(limit), uint32(period), 0, uint32(block.timestamp / period));
    }

    function _useNonce(uint256 nonce) private {
        uint64 expected = config.nonce;
        if (nonce != expected) revert InvalidNonce(nonce, expected);
        config.nonce = expected + 1;
    }

    function _setValidators(address[] memory validators_, uint256 threshold_, uint64 setId) private {
        uint256 n = validators_.length;
        if (n == 0 || n > MAX_VALIDATORS) revert InvalidValidatorSet();
        // Strict majority at least: 2 of 3, 3 of 4, 3 of 5 ...
        if (threshold_ == 0 || threshold_ > n || threshold_ * 2 <= n) revert InvalidThreshold(threshold_, n);
        address previous;
        for (uint256 i; i < n; i++) {
            address v = validators_[i];
            if (v <= previous) revert InvalidValidatorSet(); // also rejects address(0) and duplicates
            validatorSetOf[v] = setId;
            previous = v;
        }
        validatorList = validators_;
        config.setId = setId;
        config.threshold = uint16(threshold_);
        emit ValidatorSetUpdated(setId, validators_, threshold_);
    }

    /// @dev Reverts unless `signatures` holds at least `threshold` valid
    /// signatures of `digest` by distinct members of the current set.
    function _verify(bytes32 digest, bytes calldata signatures) private view {
        uint256 len = signatures.length;
        if (len % 65 != 0) revert InvalidSignatureLength(len);
        uint256 count = len / 65;
        Config memory cfg = config;
        if (count < cfg.threshold) revert InsufficientSignatures(count, cfg.threshold);
        address previous;
        for (uint256 i; i < count; i++) {
            bytes32 r;
            bytes32 s;
            uint8 v;
            assembly ("memory-safe") {
                let p := add(signatures.offset, mul(i, 65))
                r := calldataload(p)
                s := calldataload(add(p, 32))
                v := byte(0, calldataload(add(p, 64)))
            }
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, v, r, s);
            if (err != ECDSA.RecoverError.NoError) revert InvalidSignature(i);
            if (signer <= previous) {
                if (signer == previous) revert DuplicateSigner(signer);
                revert SignersNotAscending(signer, previous);
            }
            if (validatorSetOf[signer] != cfg.setId) revert NotValidator(signer);
            previous = signer;
        }
    }
}
