// WNXT (8 decimals, EIP-2612 permit, bridge-only supply) and cross-chain BHLS
// delivery through the bridge, at most once per citizen per epoch.
import assert from "node:assert/strict";
import { getAddress, keccak256, maxUint256, parseEventLogs, parseSignature, toHex, zeroAddress, type Hex } from "viem";
import { attest, BHLS_LIMIT, deployBridgeFixture, FAR_FUTURE, WNXT_LIMIT, WNXT_UNIT, type BridgeFixture } from "./bridge-fixtures.ts";
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

    it("totalSupply is the true supply though its slot is seeded at deployment (first-mint gas)", async () => {
      const f = fixture();
      // OpenZeppelin ERC20's `_totalSupply` (slot 2) holds the supply plus 1 from
      // deployment on, so the first mint does not write it from zero.
      const slot = async () => BigInt((await chain.publicClient.getStorageAt({ address: f.wnxt.address, slot: toHex(2, { size: 32 }) })) ?? "0x0");
      assert.equal(await f.wnxt.read.totalSupply(), 0n);
      assert.equal(await slot(), 1n);
      // Nothing was minted for the seed: no Transfer (no event at all) at deployment, no balance.
      assert.deepEqual(await chain.publicClient.getLogs({ address: f.wnxt.address, fromBlock: 0n }), []);
      assert.equal(await f.wnxt.read.balanceOf([f.bridge.address]), 0n);
      assert.equal(await f.wnxt.read.balanceOf([f.wnxt.address]), 0n);

      const amount = 25n * WNXT_UNIT;
      const msg = { transferId: id("seed-1"), recipient: f.userAddress, amount, expiresAt: FAR_FUTURE };
      const hash = await f.bridge.write.mint([msg.transferId, f.userAddress, amount, FAR_FUTURE, await attest(f.quorum, f.domain, "Mint", msg)]);
      const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
      const transfers = parseEventLogs({ abi: f.wnxt.abi, logs: receipt.logs, eventName: "Transfer" });
      assert.equal(transfers.length, 1);
      assert.deepEqual(transfers[0].args, { from: zeroAddress, to: f.userAddress, value: amount });
      assert.equal(await f.wnxt.read.totalSupply(), amount);
      assert.equal(await slot(), amount + 1n);

      // Burning everything takes the true supply back to exactly 0 (the slot to the seed, never to zero).
      await f.bridge.write.bridgeOut([f.wnxt.address, amount, id("nxs1-back")], { account: f.user.account });
      assert.equal(await f.wnxt.read.totalSupply(), 0n);
      assert.equal(await f.wnxt.read.balanceOf([f.userAddress]), 0n);
      assert.equal(await slot(), 1n);
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

    async function deliver(f: BridgeFixture, transferId: Hex, epoch: bigint, recipient: `0x${string}`, amount = monthly, who = citizen) {
      const sigs = await attest(f.quorum, f.domain, "BhlsDelivery", {
        transferId,
        citizen: who,
        epoch,
        recipient,
        amount,
        expiresAt: FAR_FUTURE,
      });
      return f.bridge.write.deliverBhls([transferId, who, epoch, recipient, amount, FAR_FUTURE, sigs]);
    }

    /** Validator-signed EpochUpdate: opens NexusOS epoch `epoch` with its floor. */
    async function openEpoch(f: BridgeFixture, epoch: bigint, floorAmount = monthly, signers = f.quorum) {
      const sigs = await attest(signers, f.domain, "EpochUpdate", { epoch, floorAmount });
      return f.bridge.write.updateEpoch([epoch, floorAmount, sigs]);
    }

    it("pays the citizen's chosen address and records the epoch", async () => {
      const f = fixture();
      await openEpoch(f, 7n);
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
      await openEpoch(f, 7n);
      await deliver(f, id("bhls-1"), 7n, f.userAddress);
      await expectRevert(deliver(f, id("bhls-1"), 7n, f.userAddress), "TransferAlreadyProcessed", [id("bhls-1")]);
      await expectRevert(deliver(f, id("bhls-2"), 7n, f.otherAddress), "AlreadyDelivered", [citizen, 7n]);
      // The failed attempt consumed nothing: its transfer id is still free.
      assert.equal(await f.bridge.read.processed([id("bhls-2")]), false);
      await openEpoch(f, 8n);
      await deliver(f, id("bhls-2"), 8n, f.otherAddress);
      assert.equal(await f.wnxt.read.balanceOf([f.otherAddress]), monthly);
    });

    it("accepts only the current NexusOS epoch and the one before, up to that epoch's floor", async () => {
      const f = fixture();
      const bob = id("nxs1-citizen-bob");
      // No epoch open yet; before the fix any epoch number and any amount the validators signed was paid.
      await expectRevert(deliver(f, id("a"), 1n, f.userAddress), "EpochNotOpen", [1n, 0n]);
      const hash = await openEpoch(f, 7n);
      const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
      const [event] = parseEventLogs({ abi: f.distributor.abi, logs: receipt.logs, eventName: "EpochUpdated" });
      assert.deepEqual(event.args, { epoch: 7n, floorAmount: monthly, previousFloorAmount: 0n });
      assert.deepEqual(await f.distributor.read.epochState(), [7n, monthly, 0n, true]);
      await expectRevert(deliver(f, id("a"), 999_999n, f.userAddress), "EpochNotOpen", [999_999n, 7n]);
      await expectRevert(deliver(f, id("a"), 6n, f.userAddress), "EpochNotOpen", [6n, 7n]); // 6 was never open
      await expectRevert(deliver(f, id("a"), 7n, f.userAddress, monthly + 1n), "ClaimAboveFloor", [monthly + 1n, monthly]);
      await deliver(f, id("a"), 7n, f.userAddress);
      // Epoch 8, a higher floor: epoch 7 still takes claims, at its own floor.
      await openEpoch(f, 8n, 2n * monthly);
      await expectRevert(deliver(f, id("b"), 7n, f.userAddress, monthly + 1n, bob), "ClaimAboveFloor", [monthly + 1n, monthly]);
      await deliver(f, id("b"), 7n, f.userAddress, monthly, bob);
      await deliver(f, id("c"), 8n, f.userAddress, 2n * monthly);
      // Skipping to 10: 9 was never opened, 8 is two epochs back.
      await openEpoch(f, 10n);
      await expectRevert(deliver(f, id("d"), 9n, f.userAddress, 1n, bob), "EpochNotOpen", [9n, 10n]);
      await expectRevert(deliver(f, id("d"), 8n, f.userAddress, 1n, bob), "EpochNotOpen", [8n, 10n]);
      // Epochs only increase; the floor is positive; the update needs > 2/3 of the power.
      await expectRevert(openEpoch(f, 10n), "EpochNotIncreasing", [10n, 10n]);
      await expectRevert(openEpoch(f, 9n), "EpochNotIncreasing", [9n, 10n]);
      await expectRevert(openEpoch(f, 11n, 0n), "InvalidFloor", [0n]);
      await expectRevert(openEpoch(f, 11n, 2n ** 80n), "InvalidFloor", [2n ** 80n]);
      await expectRevert(openEpoch(f, 11n, monthly, f.validators.slice(1)), "InsufficientPower", [60n, 100n]);
      // The signed floor is bound: a relayer cannot raise it.
      const sigs = await attest(f.quorum, f.domain, "EpochUpdate", { epoch: 11n, floorAmount: monthly });
      await expectRevert(f.bridge.write.updateEpoch([11n, 10n * monthly, sigs]), "NotValidator");
    });

    it("draws on its own bucket, not WNXT's mint limit", async () => {
      const f = fixture();
      const wnxt = getAddress(f.wnxt.address);
      const bucket = getAddress(f.distributor.address);
      await openEpoch(f, 1n);
      await deliver(f, id("a"), 1n, f.userAddress);
      // Before the fix every claim came out of WNXT's limit (about 870 claims a day exhausted it).
      assert.equal(await f.bridge.read.available([wnxt]), WNXT_LIMIT);
      assert.ok((await f.bridge.read.available([bucket])) < BHLS_LIMIT);
      // Shrink the BHLS bucket to almost nothing: deliveries stop, mints go on.
      const msg = { token: bucket, capacity: 1n, refillPerSecond: 0n, nonce: 0n };
      await f.bridge.write.setRateLimit([bucket, 1n, 0n, 0n, await attest(f.quorum, f.domain, "SetRateLimit", msg)]);
      await expectRevert(deliver(f, id("b"), 1n, f.otherAddress), "RateLimitExceeded", [bucket, monthly, 1n]);
      const mint = { transferId: id("m"), recipient: f.userAddress, amount: monthly, expiresAt: FAR_FUTURE };
      await f.bridge.write.mint([mint.transferId, f.userAddress, monthly, FAR_FUTURE, await attest(f.quorum, f.domain, "Mint", mint)]);
      // The distributor's address is a bucket, not a bridgeable token.
      await expectRevert(f.bridge.write.bridgeOut([bucket, 1n, id("nxs1")]), "TokenNotBridged", [bucket]);
    });

    it("takes deliveries and epochs only from the bridge", async () => {
      const f = fixture();
      const caller = getAddress(f.deployer.account.address);
      await expectRevert(
        f.distributor.write.deliver([id("x"), citizen, 1n, f.userAddress, 1n]),
        "NotBridge",
        [caller],
      );
      await expectRevert(f.distributor.write.setEpoch([1n, 1n]), "NotBridge", [caller]);
    });

    it("refuses the zero WNXT address at construction", async () => {
      await expectRevert(
        chain.viem.deployContract("BHLSDistributor", ["0x0000000000000000000000000000000000000000"]),
        "ZeroAddress",
      );
    });
  });
});
