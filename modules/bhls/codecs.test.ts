import { expect } from "chai";
import { encodeAddress } from "../../runtime/crypto/address.ts";
import { citizenCodec, epochShareCodec } from "./codecs.ts";
import type { Citizen, EpochShare } from "./records.ts";

const addr = (n: number): string => encodeAddress(new Uint8Array(32).fill(n));
const citizen: Citizen = { address: addr(1), phoneHash: "ab".repeat(32), attestor: addr(2), expiresAt: 2_000_000_000, registeredAt: 1_700_000_000, lastClaimEpoch: 7 };
const share: EpochShare = { epoch: 3, share: "1150000000", citizens: "1000000", reserve: "99999999999999999999999999999999999999", height: 42 };

describe("bhls: binary codecs of the citizen record and the epoch share", () => {
  it("round-trip exactly, with the JSON form's sorted field order (genesis export unchanged)", () => {
    const b = citizenCodec.encode(citizen);
    expect(b.length).to.equal(121);
    const c = citizenCodec.decode(b);
    expect(c).to.deep.equal(citizen);
    expect(Object.keys(c)).to.deep.equal(Object.keys(citizen).sort());
    const max = { ...citizen, expiresAt: Number.MAX_SAFE_INTEGER, lastClaimEpoch: 0 };
    expect(citizenCodec.decode(citizenCodec.encode(max))).to.deep.equal(max);
    const s = epochShareCodec.decode(epochShareCodec.encode(share));
    expect(s).to.deep.equal(share);
    expect(Object.keys(s)).to.deep.equal(Object.keys(share).sort());
    const zero = { ...share, share: "0", citizens: "0" };
    expect(epochShareCodec.decode(epochShareCodec.encode(zero))).to.deep.equal(zero);
  });

  it("refuse what the schemas refuse on write, and malformed bytes on read", () => {
    const bad = (f: () => unknown): void => {
      expect(f).to.throw();
    };
    bad(() => citizenCodec.encode({ ...citizen, address: "nxs1bad" }));
    bad(() => citizenCodec.encode({ ...citizen, phoneHash: "AB".repeat(32) }));
    bad(() => citizenCodec.encode({ ...citizen, expiresAt: -1 }));
    bad(() => citizenCodec.encode({ ...citizen, lastClaimEpoch: 1.5 }));
    bad(() => citizenCodec.encode({ ...citizen, extra: 1 } as Citizen));
    bad(() => epochShareCodec.encode({ ...share, epoch: 0 }));
    bad(() => epochShareCodec.encode({ ...share, share: "0x10" }));
    bad(() => epochShareCodec.encode({ ...share, reserve: "1".repeat(39) }));
    const b = citizenCodec.encode(citizen);
    bad(() => citizenCodec.decode(b.subarray(0, 120)));
    bad(() => citizenCodec.decode(Uint8Array.of(2, ...b.subarray(1))));
    const s = epochShareCodec.encode(share);
    bad(() => epochShareCodec.decode(Uint8Array.of(...s, 0)));
    bad(() => epochShareCodec.decode(s.subarray(0, s.length - 1)));
  });
});
