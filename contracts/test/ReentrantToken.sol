// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

interface IBridgeOut {
    function bridgeOut(address token, uint256 amount, bytes32 nexusRecipient) external;
}

/// @notice Test-only hostile token: its transferFrom re-enters the bridge, as a
/// token trying to be credited twice for one deposit would.
contract ReentrantToken is ERC20 {
    address public immutable bridge;

    constructor(address bridge_) ERC20("Reentrant", "RE") {
        bridge = bridge_;
        _mint(address(this), 1_000_000);
        _approve(address(this), bridge_, type(uint256).max);
    }

    function attack(uint256 amount) external {
        IBridgeOut(bridge).bridgeOut(address(this), amount, bytes32(uint256(1)));
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (from == address(this) && balanceOf(address(this)) > 500_000) {
            // Moves some tokens first, then re-enters while the outer call is between its balance reads.
            _transfer(from, to, value);
            IBridgeOut(bridge).bridgeOut(address(this), value, bytes32(uint256(1)));
            return true;
        }
        return super.transferFrom(from, to, value);
    }
}
