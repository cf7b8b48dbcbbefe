import { expect } from "chai";
import type { ExecContext } from "../../runtime/modules/context.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { BridgeError } from "./errors.ts";
import { outboundDigest, signEvmDigest, validatorSetDigest } from "./eip712.ts";
import { canonicalAddress } from "./families.ts";
import { citizenId } from "./rules.ts";
import type { ChainSettings } from "./params.ts";
import type { SetUpdate } from "./keeper/set-updates.ts";
import { EVM_CHAIN, EVM_RECIPIENT, NXT, SUBSTRATE_CHAIN, addr, evmKey, evmSecret, ok, openBridgeNode, testBridgeGenesis, BridgeHarness } from "./testing.ts";

/**
 * Every refusal of the bridge keepers with its exact code, message and context (what a relayer,
 * a watcher or an operator reads to fix its input), and the keepers' record shapes and events,
 * called directly on a branch of committed state (what the message schemas refuse first is
 * reached here too). Validator 2 has no EVM key.
 */
const CHAIN = EVM_CHAIN.name;
const SS58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const SENDER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
/** v = 29: well formed, recovers to nobody. */
const NOBODY_SIG = "0x" + "11".repeat(64) + "1d";

interface Refusal {
  code: string;
  message: string;
  context: Record<string, unknown>;
}

function refusal(f: () => unknown): Refusal {
  try {
    f();
  } catch (e) {
    if (!(e instanceof BridgeError)) throw e;
    const j = e.toJSON();
    return { code: j.code, message: j.message, context: { ...j.context } };
  }
  throw new Error("the keeper accepted it");
}

describe("bridge keepers: each refusal's code, message and context; record shapes and events", function () {
  this.timeout(60_000);
  let b: BridgeHarness;
  let expiresAt: number;
  before(async () => {
    b = await openBridgeNode({ bridge: testBridgeGenesis([0, 1]) });
    ok(await b.out(10, CHAIN, EVM_RECIPIENT, 5n * NXT));
    expiresAt = b.outbound(CHAIN, 1).expiresAt;
  });
  after(() => b.close());

  const branch = (timeMs?: number): ExecContext => b.branch(timeMs);
  const k = () => b.keeper;
  const at = BridgeHarness.at;
  const evmDomain = { chainId: EVM_CHAIN.evm!.chainId, verifyingContract: EVM_CHAIN.evm!.bridgeContract };
  const mintSig = (ctx: ExecContext, seq: number, secret: Uint8Array): string => signEvmDigest(outboundDigest(evmDomain, k().outbound.get(ctx, CHAIN, seq)!), secret);

  describe("outbound", () => {
    it("a paused chain, a zero amount, below the minimum, above the capacity, a bad recipient", () => {
      const ctx = branch();
      const out = (amount: bigint, to = EVM_RECIPIENT, chain = CHAIN) => refusal(() => k().outbound.bridgeOut(ctx, addr(10), chain, to, amount));
      expect(out(0n)).to.deep.equal({ code: "BRIDGE_INVALID_AMOUNT", message: "amount must be positive", context: {} });
      expect(out(NXT - 1n)).to.deep.equal({ code: "BRIDGE_BELOW_MINIMUM", message: `amount ${NXT - 1n} is below chain "${CHAIN}"'s minimum ${NXT}`, context: { minAmount: NXT.toString() } });
      expect(out(1000n * NXT + 1n)).to.deep.equal({
        code: "BRIDGE_ABOVE_CAPACITY",
        message: `amount ${1000n * NXT + 1n} is above chain "${CHAIN}"'s rate-limit capacity ${1000n * NXT}: split it`,
        context: { capacity: (1000n * NXT).toString() },
      });
      const bad = canonicalAddress(EVM_CHAIN, "0x1234");
      expect(bad.ok).to.equal(false);
      expect(out(NXT, "0x1234")).to.deep.equal({ code: "BRIDGE_INVALID_RECIPIENT", message: `recipient for evm chain "${CHAIN}": ${(bad as { reason: string }).reason}`, context: { chain: CHAIN } });
      k().setPaused(ctx, CHAIN, true, addr(0), "test");
      expect(out(NXT)).to.deep.equal({ code: "BRIDGE_CHAIN_PAUSED", message: `chain "${CHAIN}" is paused: no new transfers until the authority resumes it`, context: { chain: CHAIN } });
    });

    it("an empty bucket says when it refills, or that it never does", () => {
      const ctx = branch();
      const rest = 1000n * NXT - 5n * NXT; // the transfer made in before() took 5 NXT a block ago, refilled since
      k().outbound.bridgeOut(ctx, addr(10), CHAIN, EVM_RECIPIENT, rest);
      const r = refusal(() => k().outbound.bridgeOut(ctx, addr(10), CHAIN, EVM_RECIPIENT, 15n * NXT));
      const held = BigInt(r.context.available as string);
      // 10 NXT refill per second: the deficit, rounded up to whole seconds.
      const wait = Number((15n * NXT - held + 10n * NXT - 1n) / (10n * NXT));
      expect(wait).to.be.greaterThan(0);
      expect(r).to.deep.equal({
        code: "BRIDGE_RATE_LIMITED",
        message: `chain "${CHAIN}"'s outbound bucket holds ${held}, below ${15n * NXT}; retry in ${wait} s`,
        context: { available: held.toString(), retryAfterSeconds: wait },
      });
      const frozen: ChainSettings = { ...EVM_CHAIN, rateLimit: { ...EVM_CHAIN.rateLimit, refillPerSecond: "0" } };
      k().updateChain(ctx, frozen);
      expect(refusal(() => k().outbound.bridgeOut(ctx, addr(10), CHAIN, EVM_RECIPIENT, 15n * NXT))).to.deep.equal({
        code: "BRIDGE_RATE_LIMITED",
        message: `chain "${CHAIN}"'s outbound bucket holds ${held}, below ${15n * NXT}; it does not refill (refillPerSecond 0): the authority must raise the rate`,
        context: { available: held.toString(), retryAfterSeconds: -1 },
      });
    });

    it("records and events carry kind, citizen, epoch and floor only when set (a plain transfer has none of them)", () => {
      const ctx = branch();
      const c = k().chain(ctx, CHAIN)!;
      const plain = k().outbound.create(ctx, c, { sender: addr(3), recipient: EVM_RECIPIENT.toLowerCase(), amount: NXT, kind: "transfer" });
      for (const f of ["kind", "citizen", "epoch", "floorAmount"]) expect(plain).to.not.have.property(f);
      expect(k().outbound.create(ctx, c, { sender: addr(3), recipient: EVM_RECIPIENT.toLowerCase(), amount: NXT })).to.not.have.property("kind");
      const plainEvent = ctx.events.at(-1)!;
      expect(plainEvent.type).to.equal("bridge.outbound");
      expect(plainEvent.attributes).to.not.have.any.keys("kind", "epoch");
      const epoch = k().outbound.create(ctx, c, { kind: "epoch", sender: addr(3), recipient: c.evm!.bridgeContract, amount: 0n, epoch: 4, floorAmount: 7n });
      expect(epoch).to.include({ kind: "epoch", epoch: 4, floorAmount: "7" });
      expect(epoch).to.not.have.property("citizen");
      expect(ctx.events.at(-1)!.attributes).to.include({ kind: "epoch", epoch: "4", amount: "0" });
      const delivery = k().outbound.create(ctx, c, { kind: "bhls", sender: addr(3), recipient: EVM_RECIPIENT.toLowerCase(), amount: NXT, citizen: citizenId(addr(3)), epoch: 4 });
      expect(delivery).to.include({ kind: "bhls", citizen: citizenId(addr(3)), epoch: 4 });
      expect(delivery).to.not.have.property("floorAmount");
    });

    it("signatures: unknown, completed, no key, duplicate, expired, malformed, by another key or by nobody", () => {
      const ctx = branch();
      const sign = (v: number, seq: number, sig: string, c = ctx) => refusal(() => k().outbound.sign(c, addr(v), CHAIN, seq, sig));
      expect(sign(0, 99, "0x")).to.deep.equal({ code: "BRIDGE_UNKNOWN_OUTBOUND", message: `chain "${CHAIN}" has no outbound transfer 99 (next is 2)`, context: { chain: CHAIN, seq: 99 } });
      expect(sign(2, 1, "0x")).to.deep.equal({ code: "BRIDGE_NO_ATTESTATION_KEY", message: `${addr(2)} has no evm attestation key (MsgRegisterAttestationKey)`, context: { validator: addr(2), family: "evm" } });
      expect(sign(0, 1, "0x12")).to.deep.equal({ code: "BRIDGE_BAD_SIGNATURE", message: "an evm signature is 0x and 130 lowercase hex digits (65 bytes r‖s‖v)", context: {} });
      const wrong = mintSig(ctx, 1, evmSecret(1));
      expect(sign(0, 1, wrong)).to.deep.equal({
        code: "BRIDGE_BAD_SIGNATURE",
        message: `the signature recovers to ${evmKey(1)}, not ${addr(0)}'s EVM key ${evmKey(0)} (EIP-712 Mint, domain NexusBridge v2, chainId 31337)`,
        context: { expected: evmKey(0), recovered: evmKey(1) },
      });
      expect(sign(0, 1, NOBODY_SIG)).to.deep.equal({
        code: "BRIDGE_BAD_SIGNATURE",
        message: `the signature recovers to nothing, not ${addr(0)}'s EVM key ${evmKey(0)} (EIP-712 Mint, domain NexusBridge v2, chainId 31337)`,
        context: { expected: evmKey(0), recovered: "" },
      });
      const good = mintSig(ctx, 1, evmSecret(0));
      k().outbound.sign(ctx, addr(0), CHAIN, 1, good.toUpperCase().replace("0X", "0x"));
      expect(ctx.events.at(-1)).to.deep.equal({ type: "bridge.outbound_signed", attributes: { chain: CHAIN, seq: "1", validator: addr(0) } });
      expect(sign(0, 1, good)).to.deep.equal({ code: "BRIDGE_DUPLICATE_SIGNATURE", message: `${addr(0)} already signed ${CHAIN}/1 with this signature`, context: { validator: addr(0), chain: CHAIN, seq: 1 } });
      // At exactly expiresAt a signature is still taken; one second later it is not.
      const atExpiry = branch(expiresAt * 1000);
      k().outbound.sign(atExpiry, addr(1), CHAIN, 1, mintSig(atExpiry, 1, evmSecret(1)));
      const late = branch((expiresAt + 1) * 1000);
      expect(sign(1, 1, mintSig(late, 1, evmSecret(1)), late)).to.deep.equal({
        code: "BRIDGE_OUTBOUND_EXPIRED",
        message: `outbound ${CHAIN}/1 expired at ${expiresAt}: a signature cannot execute any more`,
        context: { expiresAt },
      });
      const done = branch();
      for (const v of [0, 1, 2]) k().outbound.attestResult(done, addr(v), CHAIN, 1, "executed");
      expect(sign(0, 1, good, done)).to.deep.equal({ code: "BRIDGE_OUTBOUND_COMPLETED", message: `outbound ${CHAIN}/1 is already executed`, context: { chain: CHAIN, seq: 1, status: "executed" } });
    });

    it("a wrong signature names what was to be signed: EpochUpdate for an epoch update, BhlsDelivery for a delivery", () => {
      const ctx = branch();
      const c = k().chain(ctx, CHAIN)!;
      const epoch = k().outbound.create(ctx, c, { kind: "epoch", sender: addr(3), recipient: c.evm!.bridgeContract, amount: 0n, epoch: 4, floorAmount: 7n });
      const delivery = k().outbound.create(ctx, c, { kind: "bhls", sender: addr(3), recipient: EVM_RECIPIENT.toLowerCase(), amount: NXT, citizen: citizenId(addr(3)), epoch: 4 });
      const what = (seq: number) => refusal(() => k().outbound.sign(ctx, addr(0), CHAIN, seq, mintSig(ctx, seq, evmSecret(1)))).message.match(/EIP-712 (\w+),/)![1];
      expect([what(epoch.seq), what(delivery.seq), what(1)]).to.deep.equal(["EpochUpdate", "BhlsDelivery", "Mint"]);
    });

    it("a substrate outbound takes any well-formed 64-byte signature by a registered substrate key (the destination verifies it)", () => {
      const ctx = branch();
      const o = k().outbound.bridgeOut(ctx, addr(10), SUBSTRATE_CHAIN.name, SS58, NXT);
      k().registerKey(ctx, addr(0), "substrate", "ab".repeat(32));
      k().outbound.sign(ctx, addr(0), SUBSTRATE_CHAIN.name, o.seq, "cd".repeat(64));
      expect(k().outbound.view(ctx, k().outbound.get(ctx, SUBSTRATE_CHAIN.name, o.seq)!).signatures).to.deep.equal([{ validator: addr(0), key: "ab".repeat(32), signature: "cd".repeat(64), counts: true }]);
    });

    it("results: a second vote, and 'expired' before expiry + margin", () => {
      const ctx = branch();
      const margin = k().params(ctx).expiryMarginSeconds;
      expect(margin).to.be.greaterThan(0);
      k().outbound.attestResult(ctx, addr(0), CHAIN, 1, "executed");
      expect(refusal(() => k().outbound.attestResult(ctx, addr(0), CHAIN, 1, "executed"))).to.deep.equal({
        code: "BRIDGE_DUPLICATE_ATTESTATION",
        message: `${addr(0)} already attested the result of ${CHAIN}/1`,
        context: { validator: addr(0), chain: CHAIN, seq: 1 },
      });
      const now = Math.floor(b.h.t.node.status().latestBlockTime / 1000);
      expect(refusal(() => k().outbound.attestResult(ctx, addr(1), CHAIN, 1, "expired"))).to.deep.equal({
        code: "BRIDGE_NOT_EXPIRED",
        message: `outbound ${CHAIN}/1 expires at ${expiresAt}; "expired" is accepted after ${expiresAt + margin} (block time ${now})`,
        context: { expiresAt, acceptedAfter: expiresAt + margin },
      });
    });

    it("an expired epoch update (nothing locked) completes without a transfer of zero", () => {
      const ctx = branch();
      const c = k().chain(ctx, CHAIN)!;
      const { seq, expiresAt: until } = k().outbound.create(ctx, c, { kind: "epoch", sender: moduleAddress("bhls_bridge_escrow"), recipient: c.evm!.bridgeContract, amount: 0n, epoch: 4, floorAmount: 7n });
      ctx.events.length = 0;
      const late = at(ctx, (until + k().params(ctx).expiryMarginSeconds + 1) * 1000);
      for (const v of [0, 1, 2]) k().outbound.attestResult(late, addr(v), CHAIN, seq, "expired");
      expect(k().outbound.get(late, CHAIN, seq)!.status).to.equal("expired");
      expect(late.events.map((e) => e.type)).to.deep.equal(["bridge.outbound_result_attested", "bridge.outbound_result_attested", "bridge.outbound_result_attested", "bridge.outbound_completed"]);
    });
  });

  describe("inbound", () => {
    const content = (amount = NXT, sender = SENDER, recipient = addr(12)) => ({ sender, recipient, amount, sourceTx: "0x" + "ab".repeat(32) });

    it("a bad sender, the escrow or a blocked module account as recipient, a second attestation", () => {
      const ctx = branch();
      const attest = (v: number, seq: number, c = content()) => refusal(() => k().inbound.attest(ctx, addr(v), CHAIN, seq, c));
      const bad = canonicalAddress(EVM_CHAIN, "0x12") as { ok: false; reason: string };
      expect(attest(0, 1, content(NXT, "0x12"))).to.deep.equal({ code: "BRIDGE_INVALID_SENDER", message: `sender on evm chain "${CHAIN}": ${bad.reason}`, context: { chain: CHAIN } });
      expect(attest(0, 1, content(NXT, SENDER, moduleAddress("bridge_escrow")))).to.deep.equal({ code: "BRIDGE_INVALID_RECIPIENT", message: "the recipient is the bridge's own escrow", context: {} });
      const gov = moduleAddress("fee_collector");
      let blocked = "";
      try {
        k().bank.requireNotBlocked(gov);
      } catch (e) {
        blocked = (e as Error).message;
      }
      expect(blocked).to.not.equal("");
      expect(attest(0, 1, content(NXT, SENDER, gov))).to.deep.equal({ code: "BRIDGE_INVALID_RECIPIENT", message: `the recipient cannot be credited: ${blocked}`, context: { recipient: gov } });
      k().inbound.attest(ctx, addr(0), CHAIN, 1, content());
      expect(ctx.events.at(-1)).to.deep.equal({ type: "bridge.inbound_attested", attributes: { chain: CHAIN, seq: "1", validator: addr(0), contentHash: k().inbound.view(ctx, k().inbound.get(ctx, CHAIN, 1)!).attestations[0]!.contentHash } });
      expect(attest(0, 1)).to.deep.equal({ code: "BRIDGE_DUPLICATE_ATTESTATION", message: `${addr(0)} already attested ${CHAIN}/1`, context: { validator: addr(0), chain: CHAIN, seq: 1 } });
    });

    it("an approved transfer is not attested again: 'approved (waiting to be credited)' or 'credited'", () => {
      const ctx = branch();
      for (const v of [0, 1, 2]) k().inbound.attest(ctx, addr(v), CHAIN, 1, content());
      expect(k().inbound.get(ctx, CHAIN, 1)!.status).to.equal("waiting");
      expect(refusal(() => k().inbound.attest(ctx, addr(0), CHAIN, 1, content()))).to.deep.equal({
        code: "BRIDGE_ALREADY_PROCESSED",
        message: `inbound ${CHAIN}/1 is already approved (waiting to be credited)`,
        context: { chain: CHAIN, seq: 1, status: "waiting" },
      });
      // Backing for seq 2: the 5 NXT that went out in before(), executed.
      const other = branch();
      for (const v of [0, 1, 2]) k().outbound.attestResult(other, addr(v), CHAIN, 1, "executed");
      for (const v of [0, 1, 2]) k().inbound.attest(other, addr(v), CHAIN, 2, content());
      expect(k().inbound.get(other, CHAIN, 2)!.status).to.equal("credited");
      expect(refusal(() => k().inbound.attest(other, addr(1), CHAIN, 2, content()))).to.deep.equal({
        code: "BRIDGE_ALREADY_PROCESSED",
        message: `inbound ${CHAIN}/2 is already credited`,
        context: { chain: CHAIN, seq: 2, status: "credited" },
      });
    });
  });

  describe("validator-set updates", () => {
    const keys = [evmKey(0), evmKey(1)].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
    const update: SetUpdate = { setId: 2, validators: keys, powers: ["3", "2"], nonce: "0" };
    const sig = (u: SetUpdate, secret: Uint8Array) =>
      signEvmDigest(validatorSetDigest(evmDomain, { setId: BigInt(u.setId), validators: u.validators, powers: u.powers.map(BigInt), nonce: BigInt(u.nonce) }), secret);
    const sign = (ctx: ExecContext, v: number, u: SetUpdate, signature = sig(u, evmSecret(v)), chain = CHAIN) => refusal(() => k().setUpdates.sign(ctx, addr(v), chain, u, signature));

    it("a chain that is not EVM, a non-validator, no EVM key", () => {
      const ctx = branch();
      expect(sign(ctx, 0, update, sig(update, evmSecret(0)), SUBSTRATE_CHAIN.name)).to.deep.equal({
        code: "BRIDGE_INVALID_CHAIN",
        message: `chain "${SUBSTRATE_CHAIN.name}" is not an EVM chain with a bridge contract: no validator-set updates to sign`,
        context: { chain: SUBSTRATE_CHAIN.name },
      });
      expect(sign(ctx, 12, update)).to.deep.equal({ code: "BRIDGE_NOT_VALIDATOR", message: `${addr(12)} is not a validator`, context: { validator: addr(12) } });
      expect(sign(ctx, 2, update)).to.deep.equal({ code: "BRIDGE_NO_ATTESTATION_KEY", message: `${addr(2)} has no evm attestation key (MsgRegisterAttestationKey)`, context: { validator: addr(2), family: "evm" } });
    });

    it("the set's shape: each problem named, with the chain and set id", () => {
      const ctx = branch();
      const shape = (u: Partial<SetUpdate>) => sign(ctx, 0, { ...update, ...u }, NOBODY_SIG);
      const params = (m: string): Refusal => ({ code: "BRIDGE_INVALID_PARAMS", message: `validator-set update 2 for ${CHAIN}: ${m}`, context: { chain: CHAIN, setId: 2 } });
      const many = Array.from({ length: 129 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`);
      expect(shape({ validators: [], powers: [] })).to.deep.equal(params("0 validators (1 to 128)"));
      expect(shape({ validators: many, powers: many.map(() => "1") })).to.deep.equal(params("129 validators (1 to 128)"));
      expect(shape({ powers: ["1"] })).to.deep.equal(params("one power per validator"));
      expect(shape({ validators: [keys[0]!, keys[1]!.toUpperCase().replace("0X", "0x")] })).to.deep.equal(params("validator 1 is not a lowercase 0x address"));
      expect(shape({ validators: [keys[0]!, `${keys[1]!}00`] })).to.deep.equal(params("validator 1 is not a lowercase 0x address"));
      expect(shape({ validators: [keys[0]!, `00${keys[1]!}`] })).to.deep.equal(params("validator 1 is not a lowercase 0x address"));
      expect(shape({ validators: [keys[1]!, keys[0]!] })).to.deep.equal(params("validators must be strictly ascending"));
      expect(shape({ powers: ["3", "0"] })).to.deep.equal(params("power 1 is zero"));
    });

    it("signatures: by another key, by nobody, twice; a new nonce or a rotated key may sign the set id again", () => {
      const ctx = branch();
      expect(sign(ctx, 0, update, sig(update, evmSecret(1)))).to.deep.equal({
        code: "BRIDGE_BAD_SIGNATURE",
        message: `the signature recovers to ${evmKey(1)}, not ${addr(0)}'s EVM key ${evmKey(0)} (EIP-712 ValidatorSetUpdate, chainId 31337)`,
        context: { expected: evmKey(0), recovered: evmKey(1) },
      });
      expect(sign(ctx, 0, update, NOBODY_SIG)).to.deep.equal({
        code: "BRIDGE_BAD_SIGNATURE",
        message: `the signature recovers to nothing, not ${addr(0)}'s EVM key ${evmKey(0)} (EIP-712 ValidatorSetUpdate, chainId 31337)`,
        context: { expected: evmKey(0), recovered: "" },
      });
      k().setUpdates.sign(ctx, addr(0), CHAIN, update, sig(update, evmSecret(0)));
      expect(ctx.events.at(-1)).to.deep.equal({ type: "bridge.set_update_signed", attributes: { chain: CHAIN, setId: "2", validator: addr(0) } });
      expect(sign(ctx, 0, update)).to.deep.equal({
        code: "BRIDGE_DUPLICATE_SIGNATURE",
        message: `${addr(0)} already signed validator-set update 2 for ${CHAIN}`,
        context: { validator: addr(0), chain: CHAIN, setId: 2 },
      });
      const renonced = { ...update, nonce: "1" };
      k().setUpdates.sign(ctx, addr(0), CHAIN, renonced, sig(renonced, evmSecret(0)));
      expect(k().setUpdates.signatures(ctx, CHAIN, 2).map((s) => s.nonce)).to.deep.equal(["1"]);
      // The same update again after a key rotation: taken, with the new key.
      const rotated = evmKey(7);
      k().registerKey(ctx, addr(0), "evm", rotated);
      k().setUpdates.sign(ctx, addr(0), CHAIN, renonced, sig(renonced, evmSecret(7)));
      expect(k().setUpdates.signatures(ctx, CHAIN, 2).map((s) => s.key)).to.deep.equal([rotated]);
    });

    it("a newer set id drops older signatures of its own chain only", () => {
      const ctx = branch();
      const two: ChainSettings = { ...EVM_CHAIN, name: "evm-two", evm: { chainId: 5, bridgeContract: EVM_CHAIN.evm!.bridgeContract } };
      k().updateChain(ctx, two);
      const on = (chain: ChainSettings, setId: number) => {
        const u = { ...update, setId };
        const d = validatorSetDigest({ chainId: chain.evm!.chainId, verifyingContract: chain.evm!.bridgeContract }, { setId: BigInt(setId), validators: u.validators, powers: u.powers.map(BigInt), nonce: 0n });
        k().setUpdates.sign(ctx, addr(0), chain.name, u, signEvmDigest(d, evmSecret(0)));
      };
      on(two, 1);
      on(EVM_CHAIN, 1);
      on(EVM_CHAIN, 2);
      on(EVM_CHAIN, 3);
      expect([1, 2, 3].map((id) => k().setUpdates.signatures(ctx, CHAIN, id).length)).to.deep.equal([0, 1, 1]);
      expect(k().setUpdates.signatures(ctx, "evm-two", 1).length).to.equal(1);
    });
  });
});
