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
contract BHLSDistributor {
    using SafeERC20 for IERC20;

    address public immutable bridge;
    IERC20 public immutable wnxt;

    /// @notice citizen (32-byte NexusOS address) => epoch => delivered.
    mapping(bytes32 => mapping(uint64 => bool)) public delivered;

    event BhlsDelivered(
        bytes32 indexed citizen, uint64 indexed epoch, address indexed recipient, uint256 amount, bytes32 transferId
    );

    error NotBridge(address caller);
    error AlreadyDelivered(bytes32 citizen, uint64 epoch);
    error ZeroAddress();

    /// @dev Deployed by the NexusBridge's constructor.
    constructor(address wnxt_) {
        if (wnxt_ == address(0)) revert ZeroAddress();
        bridge = msg.sender;
        wnxt = IERC20(wnxt_);
    }

    /// @notice Pays `amount` WNXT (already minted here by the bridge) to `recipient`.
    function deliver(bytes32 transferId, bytes32 citizen, uint64 epoch, address recipient, uint256 amount) external {
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        if (delivered[citizen][epoch]) revert AlreadyDelivered(citizen, epoch);
        delivered[citizen][epoch] = true;
        wnxt.safeTransfer(recipient, amount);
        emit BhlsDelivered(citizen, epoch, recipient, amount, transferId);
    }
}
