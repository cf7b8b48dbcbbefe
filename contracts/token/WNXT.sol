// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title WNXT: NXT wrapped on an EVM chain
/// @notice 8 decimals like NXT on NexusOS, so amounts cross the bridge unchanged.
/// EIP-2612 permit from OpenZeppelin. Supply changes only through the bridge:
/// it mints on attested NexusOS locks and burns on transfers back.
contract WNXT is ERC20Permit {
    /// @notice The NexusBridge, the only minter and burner. The bridge deploys
    /// this token in its own constructor, so this is fixed at creation and costs
    /// no storage read on a mint.
    address public immutable bridge;

    /// @dev Storage slot of OpenZeppelin ERC20's private `_totalSupply` (its layout:
    /// `_balances` 0, `_allowances` 1, `_totalSupply` 2). The constructor checks it.
    uint256 private constant TOTAL_SUPPLY_SLOT = 2;
    /// @dev The stored total supply is the true supply plus this offset.
    ///
    /// Why: an SSTORE that takes a slot from zero to non-zero costs 20 000 gas,
    /// from non-zero to non-zero 2 900. Without the offset the very first bridge
    /// mint on a fresh deployment paid that 17 100-gas difference to take
    /// `_totalSupply` off zero (123 100 gas against 106 000 for any later mint
    /// to a new holder). Seeding the slot with 1 here moves that one-off cost to
    /// the deployer, and the slot never returns to zero: burns can take the
    /// stored value down to the offset only. `totalSupply()` subtracts the offset,
    /// so every view and event is exactly what it was; no balance is minted and no
    /// Transfer is emitted for it. (OpenZeppelin keeps `_totalSupply` private and
    /// writes it only in `_update`, which would emit a Transfer; hence the direct
    /// store.) The only other effect: the stored value is capped at uint256 max, so
    /// the true supply is capped at uint256 max - 1, far beyond what the bridge's
    /// uint96 rate limits can ever mint.
    uint256 private constant SUPPLY_OFFSET = 1;

    error NotBridge(address caller);

    constructor() ERC20("Wrapped NXT", "WNXT") ERC20Permit("Wrapped NXT") {
        bridge = msg.sender;
        assembly ("memory-safe") {
            sstore(TOTAL_SUPPLY_SLOT, SUPPLY_OFFSET)
        }
        // Reads the slot back through OpenZeppelin's own getter: if a later
        // OpenZeppelin moved `_totalSupply`, the deployment fails (Panic 0x01)
        // rather than leave another variable's slot overwritten. An assert, not a
        // custom error, so the ABI stays as it was.
        assert(super.totalSupply() == SUPPLY_OFFSET);
    }

    function decimals() public pure override returns (uint8) {
        return 8;
    }

    /// @notice The true supply: the sum of all balances (the stored value less `SUPPLY_OFFSET`).
    function totalSupply() public view override returns (uint256) {
        unchecked {
            // Never underflows: the slot holds the offset from construction on and
            // burns take it down to the offset at most (ERC20 `_update` keeps the
            // stored value >= offset + every balance).
            return super.totalSupply() - SUPPLY_OFFSET;
        }
    }

    function mint(address to, uint256 amount) external {
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        _mint(to, amount);
    }

    /// @notice Burns `amount` of `from`. The bridge only ever passes its own caller
    /// as `from`, so no allowance is involved.
    function burn(address from, uint256 amount) external {
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        _burn(from, amount);
    }
}
