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

    error NotBridge(address caller);

    constructor() ERC20("Wrapped NXT", "WNXT") ERC20Permit("Wrapped NXT") {
        bridge = msg.sender;
    }

    function decimals() public pure override returns (uint8) {
        return 8;
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
