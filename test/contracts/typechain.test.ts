// The TypeChain (ethers v6) bindings generated on compile are usable: deploy
// and call through the typed factories with hardhat-ethers' signers.
import assert from "node:assert/strict";
import { network } from "hardhat";
import { keccak256 } from "ethers";
import {
  NexusBridge__factory,
  NexusDEXFactory__factory,
  NexusDEXPair__factory,
  WNXT__factory,
} from "../../types/ethers-contracts/index.ts";

describe("TypeChain bindings", function () {
  it("deploy and read the contracts through typed ethers factories", async () => {
    const { ethers } = await network.create();
    const [signer] = await ethers.getSigners();
    const factory = await new NexusDEXFactory__factory(signer).deploy(signer.address);
    assert.equal(await factory.feeToSetter(), signer.address);
    assert.equal(await factory.pairInitCodeHash(), keccak256(NexusDEXPair__factory.bytecode));

    const bridge = await new NexusBridge__factory(signer).deploy([signer.address], [1n], 100n, 1n, 100n, 1n);
    const wnxt = WNXT__factory.connect(await bridge.wnxt(), signer);
    assert.equal(await wnxt.decimals(), 8n);
    assert.equal(await wnxt.bridge(), await bridge.getAddress());
  });
});
