// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title BHLSDistributor: cross-chain delivery of BHLS floor claims
/// @notice A citizen on NexusOS may direct a claim to an address on this chain.
/// The NexusBridge verifies the validator attestation, mints the WNXT here and
/// calls `deliver`; this contract pays the citizen's chosen address and records
/// (citizen, epoch) so that a claim is delivered at most once per citizen per
/// epoch, even under a different transfer id.
///
/// Epochs are NexusOS's: the bridge sets the current epoch and its BHLS floor
/// from an EpochUpdate signed by the validator threshold. A claim is accepted
/// for the current epoch, or for the one just before it (a claim signed near
/// an epoch's end may land after the next EpochUpdate), and for at most that
/// epoch's floor amount. Epochs the bridge never opened accept nothing.
contract BHLSDistributor {
    using SafeERC20 for IERC20;

    address public immutable bridge;
    IERC20 public immutable wnxt;

    /// @dev One slot. `previousFloorAmount` is the floor of epoch `epoch - 1`
    /// when that epoch was open just before; 0 (nothing accepted) otherwise.
    struct EpochState {
        uint64 epoch;
        uint80 floorAmount;
        uint80 previousFloorAmount;
        bool open; // false until the first EpochUpdate
    }

    EpochState public epochState;

    /// @notice citizen (32-byte NexusOS address) => epoch => delivered.
    mapping(bytes32 => mapping(uint64 => bool)) public delivered;

    event BhlsDelivered(
        bytes32 indexed citizen, uint64 indexed epoch, address indexed recipient, uint256 amount, bytes32 transferId
    );
    /// @notice The current NexusOS epoch and floor; `previousFloorAmount` is what epoch - 1 still accepts.
    event EpochUpdated(uint64 indexed epoch, uint256 floorAmount, uint256 previousFloorAmount);

    error NotBridge(address caller);
    error AlreadyDelivered(bytes32 citizen, uint64 epoch);
    error ZeroAddress();
    error EpochNotOpen(uint64 epoch, uint64 currentEpoch);
    error ClaimAboveFloor(uint256 amount, uint256 floorAmount);
    error EpochNotIncreasing(uint64 epoch, uint64 currentEpoch);
    error InvalidFloor(uint256 floorAmount);

    /// @dev Deployed by the NexusBridge's constructor.
    constructor(address wnxt_) {
        if (wnxt_ == address(0)) revert ZeroAddress();
        bridge = msg.sender;
        wnxt = IERC20(wnxt_);
    }

    /// @notice Moves to NexusOS epoch `epoch` (strictly increasing) with its floor.
    /// Called by the bridge on a validator-signed EpochUpdate.
    function setEpoch(uint64 epoch, uint256 floorAmount) external {
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        EpochState memory s = epochState;
        if (s.open && epoch <= s.epoch) revert EpochNotIncreasing(epoch, s.epoch);
        if (floorAmount == 0 || floorAmount > type(uint80).max) revert InvalidFloor(floorAmount);
        uint80 previous = s.open && epoch - 1 == s.epoch ? s.floorAmount : 0;
        epochState = EpochState(epoch, uint80(floorAmount), previous, true);
        emit EpochUpdated(epoch, floorAmount, previous);
    }

    /// @notice Pays `amount` WNXT (already minted here by the bridge) to `recipient`.
    function deliver(bytes32 transferId, bytes32 citizen, uint64 epoch, address recipient, uint256 amount) external {
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        EpochState memory s = epochState;
        uint256 floorAmount;
        if (s.open && epoch == s.epoch) floorAmount = s.floorAmount;
        else if (s.previousFloorAmount != 0 && epoch == s.epoch - 1) floorAmount = s.previousFloorAmount;
        else revert EpochNotOpen(epoch, s.epoch);
        if (amount > floorAmount) revert ClaimAboveFloor(amount, floorAmount);
        if (delivered[citizen][epoch]) revert AlreadyDelivered(citizen, epoch);
        delivered[citizen][epoch] = true;
        wnxt.safeTransfer(recipient, amount);
        emit BhlsDelivered(citizen, epoch, recipient, amount, transferId);
    }
}
