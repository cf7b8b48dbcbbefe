// WNXT (8 decimals, EIP-2612 permit, bridge-only supply) and cross-chain BHLS
// delivery through the bridge, at most once per citizen per epoch.
import assert from "node:assert/strict";
import { getAddress, keccak256, maxUint256, parseEventLogs, parseSignature, toHex, type Hex } from "viem";
import { attest, deployBridgeFixture, FAR_FUTURE, WNXT_UNIT, type BridgeFixture } from "./bridge-fixtures.ts";
import { connect, expectRevert, snapshotFixture, type Chain } from "./helpers.ts";

const id = (s: string): Hex => keccak256(toHex(s));

describe("WNXT and BHLSDistributor", function () {
  let chain: Chain;
  before(async () => {
    chain = await connect();
  });
  const fixture = snapshotFixture(() => chain, () => deployBridgeFixture(chain));

  describe("WNXT", () => {
    it("is Wrapped NXT with 8 decimals, bound to the bridge that created it", async () => {
      const f = fixture();
      assert.equal(await f.wnxt.read.name(), "Wrapped NXT");
      assert.equal(await f.wnxt.read.symbol(), "WNXT");
      assert.equal(await f.wnxt.read.decimals(), 8);
      assert.equal(getAddress(await f.wnxt.read.bridge()), getAddress(f.bridge.address));
    });

    it("only the bridge mints and burns", async () => {
      const f = fixture();
      const me = getAddress(f.deployer.account.address);
      await expectRevert(f.wnxt.write.mint([me, 1n]), "NotBridge", [me]);
      await expectRevert(f.wnxt.write.burn([me, 1n]), "NotBridge", [me]);
    });

    describe("EIP-2612 permit", () => {
      async function signPermit(f: BridgeFixture, value: bigint, deadline: bigint, nonce: bigint, signer = f.user) {
        const signature = await signer.signTypedData({
          account: signer.account,
          domain: {
            name: "Wrapped NXT",
            version: "1",
            chainId: await chain.publicClient.getChainId(),
            verifyingContract: f.wnxt.address,
          },
          types: {
            Permit: [
              { name: "owner", type: "address" },
              { name: "spender", type: "address" },
              { name: "value", type: "uint256" },
              { name: "nonce", type: "uint256" },
              { name: "deadline", type: "uint256" },
            ],
          },
          primaryType: "Permit",
          message: { owner: f.userAddress, spender: f.otherAddress, value, nonce, deadline },
        });
        const { r, s, v } = parseSignature(signature);
        return { r, s, v: Number(v) };
      }

      it("sets an allowance from an off-chain signature and bumps the nonce", async () => {
        const f = fixture();
        const deadline = (await chain.publicClient.getBlock()).timestamp + 3600n;
        const { r, s, v } = await signPermit(f, 5n * WNXT_UNIT, deadline, 0n);
        // Anyone may submit it: here the spender does.
        await f.wnxt.write.permit([f.userAddress, f.otherAddress, 5n * WNXT_UNIT, deadline, v, r, s], {
          account: f.other.account,
        });
        assert.equal(await f.wnxt.read.allowance([f.userAddress, f.otherAddress]), 5n * WNXT_UNIT);
        assert.equal(await f.wnxt.read.nonces([f.userAddress]), 1n);
        // Replaying the same signature recovers a different signer (the nonce moved on).
        await expectRevert(
          f.wnxt.write.permit([f.userAddress, f.otherAddress, 5n * WNXT_UNIT, deadline, v, r, s]),
          "ERC2612InvalidSigner",
        );
      });

      it("rejects an expired permit and one signed by someone else", async () => {
        const f = fixture();
        const now = (await chain.publicClient.getBlock()).timestamp;
        const expired = await signPermit(f, 1n, now - 1n, 0n);
        await expectRevert(
          f.wnxt.write.permit([f.userAddress, f.otherAddress, 1n, now - 1n, expired.v, expired.r, expired.s]),
          "ERC2612ExpiredSignature",
          [now - 1n],
        );
        const forged = await signPermit(f, 1n, maxUint256, 0n, f.other);
        await expectRevert(
          f.wnxt.write.permit([f.userAddress, f.otherAddress, 1n, maxUint256, forged.v, forged.r, forged.s]),
          "ERC2612InvalidSigner",
          [f.otherAddress, f.userAddress],
        );
      });
    });
  });

  describe("BHLS delivery", () => {
    const citizen = id("nxs1-citizen-alice");
    const monthly = 1_150n * WNXT_UNIT;

    async function deliver(f: BridgeFixture, transferId: Hex, epoch: bigint, recipient: `0x${string}`, amount = monthly) {
      const sigs = await attest(f.quorum, f.domain, "BhlsDelivery", {
        transferId,
        citizen,
        epoch,
        recipient,
        amount,
        expiresAt: FAR_FUTURE,
      });
      return f.bridge.write.deliverBhls([transferId, citizen, epoch, recipient, amount, FAR_FUTURE, sigs]);
    }

    it("pays the citizen's chosen address and records the epoch", async () => {
      const f = fixture();
      const hash = await deliver(f, id("bhls-1"), 7n, f.userAddress);
      const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
      const [event] = parseEventLogs({ abi: f.distributor.abi, logs: receipt.logs, eventName: "BhlsDelivered" });
      assert.deepEqual(event.args, { citizen, epoch: 7n, recipient: f.userAddress, amount: monthly, transferId: id("bhls-1") });
      assert.equal(await f.wnxt.read.balanceOf([f.userAddress]), monthly);
      assert.equal(await f.wnxt.read.balanceOf([f.distributor.address]), 0n);
      assert.equal(await f.distributor.read.delivered([citizen, 7n]), true);
    });

    it("rejects a second delivery for the same citizen and epoch, even under a new transfer id", async () => {
      const f = fixture();
      await deliver(f, id("bhls-1"), 7n, f.userAddress);
      await expectRevert(deliver(f, id("bhls-1"), 7n, f.userAddress), "TransferAlreadyProcessed", [id("bhls-1")]);
      await expectRevert(deliver(f, id("bhls-2"), 7n, f.otherAddress), "AlreadyDelivered", [citizen, 7n]);
      // The failed attempt consumed nothing: its transfer id is still free.
      assert.equal(await f.bridge.read.processed([id("bhls-2")]), false);
      await deliver(f, id("bhls-2"), 8n, f.otherAddress);
      assert.equal(await f.wnxt.read.balanceOf([f.otherAddress]), monthly);
    });

    it("takes deliveries only from the bridge", async () => {
      const f = fixture();
      const caller = getAddress(f.deployer.account.address);
      await expectRevert(
        f.distributor.write.deliver([id("x"), citizen, 1n, f.userAddress, 1n]),
        "NotBridge",
        [caller],
      );
    });

    it("refuses the zero WNXT address at construction", async () => {
      await expectRevert(
        chain.viem.deployContract("BHLSDistributor", ["0x0000000000000000000000000000000000000000"]),
        "ZeroAddress",
      );
    });
  });
});
