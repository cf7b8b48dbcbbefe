// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only ERC-20: the whole supply goes to the deployer, as in Uniswap v2's fixtures.
contract TestToken is ERC20 {
    constructor(string memory name_, uint256 supply) ERC20(name_, name_) {
        _mint(msg.sender, supply);
    }
}
