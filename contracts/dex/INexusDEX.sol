// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.28;

/// @notice What pairs and the router need from the factory.
interface INexusDEXFactory {
    function feeTo() external view returns (address);
    function getPair(address tokenA, address tokenB) external view returns (address);
    function createPair(address tokenA, address tokenB) external returns (address);
    function pairInitCodeHash() external view returns (bytes32);
    function pairParameters() external view returns (address token0, address token1);
}

/// @notice The pair surface the router uses.
interface INexusDEXPair {
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
    function mint(address to) external returns (uint256 liquidity);
    function burn(address to) external returns (uint256 amount0, uint256 amount1);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
    function sync() external;
}

/// @notice Flash-swap receiver: called by the pair after sending the outputs and
/// before checking that k still holds.
interface INexusDEXCallee {
    function nexusDEXCall(address sender, uint256 amount0, uint256 amount1, bytes calldata data) external;
}
