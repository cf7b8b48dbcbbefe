// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {INexusDEXCallee, INexusDEXPair} from "../dex/INexusDEX.sol";

/// @notice Test-only flash-swap receiver: pays back `repay` of `token` in the
/// callback, or re-enters the pair when asked to.
contract FlashBorrower is INexusDEXCallee {
    function borrow(address pair, uint256 amount0Out, uint256 amount1Out, address token, uint256 repay, bool reenter)
        external
    {
        INexusDEXPair(pair).swap(amount0Out, amount1Out, address(this), abi.encode(pair, token, repay, reenter));
    }

    function nexusDEXCall(address, uint256, uint256, bytes calldata data) external {
        (address pair, address token, uint256 repay, bool reenter) = abi.decode(data, (address, address, uint256, bool));
        if (reenter) INexusDEXPair(pair).sync();
        IERC20(token).transfer(pair, repay);
    }
}
