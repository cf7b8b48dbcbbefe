import { expect } from "chai";
import { openTestNode, testSigner, removeDir, TEST_CHAIN_ID, GENESIS_TIME, type TestNode } from "../../test/helpers/node-harness.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { BankTypeUrls } from "../../modules/bank/index.ts";
import { DexTypeUrls } from "../../modules/dex/index.ts";
import { nexusModules } from "./chain.ts";
import { nexusDevGenesis, DEV_DENOM, DEV_EPOCH_MS } from "./genesis.ts";

const NXT = 100_000_000n;

/**
 * The reference chain as a whole: bank, staking, economy and dex bound together by
 * chains/nexus, on the dev genesis (its NXT/DEVUSD bootstrap pool and one-minute epochs),
 * with every module's invariants checked after every block.
 */
describe("chains/nexus: fees, the DEX and epochs on the reference chain", () => {
  let t: TestNode;
  const alice = testSigner(0);
  const bob = testSigner(1);
  let nonce = 0n;

  before(async () => {
    const genesis = nexusDevGenesis(nexusModules("single"), {
      chainId: TEST_CHAIN_ID,
      genesisTime: GENESIS_TIME,
      accounts: [
        { address: alice.address, amount: 1_000n * NXT },
        { address: bob.address, amount: 1_000n * NXT },
      ],
    });
    t = await openTestNode({ genesis });
  });
  after(async () => {
    await t.close();
    removeDir(t.dir);
  });

  const bal = (address: string, denom = "nxt"): bigint => BigInt(t.node.getBalance(address, denom).amount);
  const query = <T>(path: string, params: Record<string, unknown> = {}): T => t.node.query(path, params) as T;

  async function run(msgs: Msg[]): Promise<ReceiptView> {
    const d = signTx({ chainId: TEST_CHAIN_ID, sender: alice.address, nonce: nonce++, band: Band.NANO, feeLimit: 10_000_000n, tip: 0n, timeoutHeight: 0, memo: "", msgs: msgs as never }, [alice]);
    await t.node.submitTx(d.bytes);
    await t.node.produceBlock();
    const r = t.node.getTx(toHex(d.hash));
    if (r.status !== "committed") throw new Error(`not committed: ${r.status}`);
    return r.receipt;
  }

  it("routes a block's fees: 20% burned, the rest to the transition reserve when no validator is bonded; fee_collector ends empty", async () => {
    const reserve = bal(moduleAddress("transition_reserve"));
    const supply = (): bigint => BigInt(query<{ supply: string }>("bank/supply", { denom: "nxt" }).supply);
    const before = supply();
    const r = await run([{ typeUrl: BankTypeUrls.Send, value: { from: alice.address, to: bob.address, amount: [{ denom: "nxt", amount: "1000" }] } }]);
    expect(r.codeName).to.equal("OK");
    const fee = BigInt(r.fee);
    const burn = (fee * 2000n) / 10000n;
    expect(bal(moduleAddress("fee_collector"))).to.equal(0n);
    expect(supply()).to.equal(before - burn);
    // The dev chain's single producer is not a bonded validator: the validators' half goes to the reserve too.
    expect(bal(moduleAddress("transition_reserve")) - reserve).to.equal(fee - burn);
  });

  it("swaps on the genesis NXT/DEVUSD pool at the constant-product price, with the LP owned by the ecosystem fund", async () => {
    const pool = query<{ id: number; denom0: string; reserve0: string; reserve1: string; totalSupply: string }>("dex/pool", { id: 1 });
    expect(pool.denom0).to.equal(DEV_DENOM);
    expect(bal(moduleAddress("ecosystem_fund"), "dex/pool/1") + 1000n).to.equal(BigInt(pool.totalSupply));
    const amountIn = 10n * NXT;
    const [r0, r1] = [BigInt(pool.reserve0), BigInt(pool.reserve1)];
    const expected = (amountIn * 997n * r0) / (r1 * 1000n + amountIn * 997n);
    const devBefore = bal(alice.address, DEV_DENOM);
    const deadline = Math.floor(GENESIS_TIME / 1000) + 10 * 86400;
    const r = await run([{ typeUrl: DexTypeUrls.SwapExactIn, value: { sender: alice.address, route: ["nxt", DEV_DENOM], amountIn: amountIn.toString(), minAmountOut: expected.toString(), deadline } }]);
    expect(r.codeName, r.log).to.equal("OK");
    expect(bal(alice.address, DEV_DENOM) - devBefore).to.equal(expected);
    // One unit more than the formula gives is refused, and the refusal moves nothing but the fee.
    const again = await run([{ typeUrl: DexTypeUrls.SwapExactIn, value: { sender: alice.address, route: ["nxt", DEV_DENOM], amountIn: "1000", minAmountOut: "1000000000", deadline } }]);
    expect(again.codeName).to.equal("DEX_SLIPPAGE_EXCEEDED");
  });

  it("an epoch of block time ends in one transition: 60% to the floor reserve, 40% over the twelve liquidity accounts", async () => {
    const epoch = query<{ epoch: number; nextTransitionMs: number }>("economy/epoch");
    expect(epoch.epoch).to.equal(1);
    const floor = bal(moduleAddress("bhls_floor_reserve"));
    const water = bal(moduleAddress("liquidity_water"));
    // The transition reserve as it stands before the block that crosses the epoch's end
    // (that block's own fees join it first; an empty block has none).
    t.clock.t = epoch.nextTransitionMs;
    const reserve = bal(moduleAddress("transition_reserve"));
    await t.node.produceBlock();
    expect(query<{ epoch: number }>("economy/epoch").epoch).to.equal(2);
    const rec = query<{ items: { epoch: number; reserve: string; toFloor: string; branch: string }[] }>("economy/transitions", {}).items[0]!;
    expect(rec).to.include({ epoch: 1, branch: "normal" });
    expect(BigInt(rec.reserve)).to.equal(reserve);
    expect(bal(moduleAddress("transition_reserve"))).to.equal(0n);
    const toLiquidity = (reserve * 4000n) / 10000n;
    expect(bal(moduleAddress("liquidity_water")) - water).to.equal((toLiquidity * 800n) / 10000n);
    expect(bal(moduleAddress("bhls_floor_reserve")) - floor).to.equal(BigInt(rec.toFloor));
    expect(DEV_EPOCH_MS).to.equal(60_000);
  });
});
