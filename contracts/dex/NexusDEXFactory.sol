// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.28;

import {NexusDEXPair} from "./NexusDEXPair.sol";

/// @title NexusDEX factory: one pair per token pair at a CREATE2 address
/// @notice The pair's address is
/// keccak256(0xff ++ factory ++ keccak256(token0 ++ token1) ++ pairInitCodeHash)[12:],
/// computable off-chain and by the router without a call.
contract NexusDEXFactory {
    /// @notice Receives the protocol fee (1/6 of the LP fee) when non-zero: the
    /// NexusOS liquidity-allocation address on this chain.
    address public feeTo;
    /// @notice May change `feeTo` and hand this role on.
    address public feeToSetter;
    /// @notice keccak256 of the pair's creation code (it takes no constructor arguments).
    bytes32 public immutable pairInitCodeHash;

    mapping(address => mapping(address => address)) public getPair;
    address[] public allPairs;

    // Read back by the pair's constructor; transient so they cost nothing after.
    address private transient paramToken0;
    address private transient paramToken1;

    event PairCreated(address indexed token0, address indexed token1, address pair, uint256 pairCount);
    event FeeToSet(address indexed feeTo);
    event FeeToSetterSet(address indexed feeToSetter);

    error IdenticalAddresses();
    error ZeroAddress();
    error PairExists(address pair);
    error Forbidden(address caller);

    constructor(address feeToSetter_) {
        feeToSetter = feeToSetter_;
        pairInitCodeHash = keccak256(type(NexusDEXPair).creationCode);
    }

    function allPairsLength() external view returns (uint256) {
        return allPairs.length;
    }

    function pairParameters() external view returns (address token0, address token1) {
        return (paramToken0, paramToken1);
    }

    function createPair(address tokenA, address tokenB) external returns (address pair) {
        if (tokenA == tokenB) revert IdenticalAddresses();
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        if (token0 == address(0)) revert ZeroAddress();
        if (getPair[token0][token1] != address(0)) revert PairExists(getPair[token0][token1]);
        paramToken0 = token0;
        paramToken1 = token1;
        pair = address(new NexusDEXPair{salt: keccak256(abi.encodePacked(token0, token1))}());
        paramToken0 = address(0);
        paramToken1 = address(0);
        getPair[token0][token1] = pair;
        getPair[token1][token0] = pair;
        allPairs.push(pair);
        emit PairCreated(token0, token1, pair, allPairs.length);
    }

    function setFeeTo(address feeTo_) external {
        if (msg.sender != feeToSetter) revert Forbidden(msg.sender);
        feeTo = feeTo_;
        emit FeeToSet(feeTo_);
    }

    function setFeeToSetter(address feeToSetter_) external {
        if (msg.sender != feeToSetter) revert Forbidden(msg.sender);
        if (feeToSetter_ == address(0)) revert ZeroAddress();
        feeToSetter = feeToSetter_;
        emit FeeToSetterSet(feeToSetter_);
    }
}
