import { expect } from "chai";
import { Band } from "../../../runtime/tx/bands.ts";
import { GENESIS_TIME } from "../../../test/helpers/node-harness.ts";
import { openBhlsNode, addr, phone, NXT, type BhlsHarness } from "../../../modules/bhls/testing.ts";
import { FloorLedger } from "./ledger.ts";

const T0 = Math.floor(GENESIS_TIME / 1000);
const MONTHLY = 1150n * NXT;

/**
 * The simulation's copy of the keeper's rules against the keeper itself: one sequence of
 * registrations and claims (every code the simulation meets), through a test node and through
 * FloorLedger, must give the same codes and the same amounts.
 */
describe("Sybil simulation ledger = the bhls keeper", () => {
  let h: BhlsHarness;
  after(async () => {
    await h?.close();
  });

  it("registration and claim codes, and the pro-rata share, agree step by step", async function () {
    this.timeout(60_000);
    // One epoch of a day: every step is in epoch 1. A reserve of 1 500 NXT for 2 citizens: 750 each.
    h = await openBhlsNode({ attestors: [1], floorReserve: 1500n * NXT, epochDurationMs: 86_400_000 });
    const ledger = new FloorLedger(1500n * NXT, MONTHLY);
    type Step = [at: number, op: "reg", who: number, phoneOf: number, expiresIn: number] | [at: number, op: "claim", who: number];
    const steps: Step[] = [
      [10, "reg", 2, 1, 600], // OK
      [20, "reg", 3, 1, 600], // phone 1 is 2's
      [30, "reg", 4, 2, 100], // OK, expires at +100
      [40, "claim", 2], // fixes 1 500 / 2
      [50, "claim", 2], // once per epoch
      [120, "claim", 4], // expired
      [130, "reg", 4, 2, 110], // an attestation already expired
      [140, "reg", 4, 2, 1000], // re-attestation extends
      [150, "reg", 4, 2, 1000], // the same attestation again
      [160, "reg", 4, 2, 900], // does not extend
      [170, "reg", 2, 3, 1000], // 2 is a citizen under phone 1
      [180, "claim", 4], // re-attested: paid the fixed share
      [190, "reg", 5, 4, 1000], // OK
      [200, "claim", 5], // registered after the share was fixed: next epoch
      [205, "claim", 3], // not a citizen (phone 1 was 2's)
      [210, "claim", 6], // not a citizen
    ];
    const chain: string[] = [];
    const model: string[] = [];
    for (const s of steps) {
      const at = GENESIS_TIME + s[0] * 1000;
      if (s[1] === "reg") {
        const [, , who, ph, expiresIn] = s;
        const m = h.registerMsg(h.attestation(1, who, phone(ph), T0 + expiresIn));
        const hash = await h.submit(1, [m], Band.PICO);
        await h.block(at);
        chain.push(h.receipt(hash).codeName);
        model.push(ledger.register({ citizen: addr(who), phoneHash: phone(ph), expiresAt: T0 + expiresIn }, Math.floor(at / 1000)));
      } else {
        const who = s[2];
        const hash = await h.submit(who, [{ typeUrl: "/bhls.v1.MsgClaim", value: { citizen: addr(who) } }]);
        await h.block(at);
        const r = h.receipt(hash);
        chain.push(`${r.codeName} ${r.events.find((e) => e.type === "bhls.claim")?.attributes.amount ?? 0}`);
        const c = ledger.claim(addr(who), 1, Math.floor(at / 1000));
        model.push(`${c.code} ${c.amount}`);
      }
    }
    expect(model).to.deep.equal(chain);
    expect(chain).to.deep.equal([
      "OK",
      "BHLS_PHONE_HASH_IN_USE",
      "OK",
      `OK ${750n * NXT}`,
      "BHLS_ALREADY_CLAIMED 0",
      "BHLS_CITIZEN_EXPIRED 0",
      "BHLS_ATTESTATION_EXPIRED",
      "OK",
      "BHLS_ALREADY_REGISTERED",
      "BHLS_STALE_ATTESTATION",
      "BHLS_ALREADY_CITIZEN",
      `OK ${750n * NXT}`,
      "OK",
      "BHLS_NOT_YET_ELIGIBLE 0",
      "BHLS_NOT_CITIZEN 0",
      "BHLS_NOT_CITIZEN 0",
    ]);
  });
});
