import type { Ctx } from "../../../runtime/modules/types.ts";
import { verifyAttestation, type Attestation } from "../attestation.ts";
import { BhlsError } from "../errors.ts";
import { BhlsEvents } from "../events.ts";
import * as K from "../keys.ts";
import type { Attestor, Citizen } from "../records.ts";

/** Block time in unix seconds: what attestation expiries compare with. */
export const nowSeconds = (ctx: Ctx): number => Math.floor(ctx.block.time / 1000);

/**
 * Attestors and citizens: registration by attestation, re-attestation, revocation in bounded
 * batches. The citizen count and each attestor's count are counters kept on every change:
 * nothing here walks citizens except a revocation batch (at most `limit` of one attestor's).
 */
export class CitizenKeeper {
  isAttestor(ctx: Ctx, address: string): boolean {
    return K.Attestors.has(ctx, address);
  }

  attestor(ctx: Ctx, address: string): Attestor | undefined {
    return K.Attestors.get(ctx, address);
  }

  addAttestor(ctx: Ctx, address: string, moniker: string): Attestor {
    if (K.Attestors.has(ctx, address)) throw new BhlsError("BHLS_ATTESTOR_EXISTS", `${address} is already a registered attestor`, { attestor: address });
    const a: Attestor = { address, moniker, addedHeight: ctx.block.height };
    K.Attestors.set(ctx, address, a);
    ctx.emit(BhlsEvents.AttestorRegistered, { attestor: address, moniker });
    return a;
  }

  /** The attestor can no longer register citizens (nor send PICO transactions); its citizens stay until revoked. */
  removeAttestor(ctx: Ctx, address: string): void {
    if (!K.Attestors.delete(ctx, address)) throw new BhlsError("BHLS_UNKNOWN_ATTESTOR", `${address} is not a registered attestor`, { attestor: address });
    ctx.emit(BhlsEvents.AttestorRemoved, { attestor: address, citizens: this.attestorCitizens(ctx, address).toString() });
  }

  citizen(ctx: Ctx, address: string): Citizen | undefined {
    return K.Citizens.get(ctx, address);
  }

  citizenCount(ctx: Ctx): bigint {
    return K.CitizenCount.get(ctx) ?? 0n;
  }

  attestorCitizens(ctx: Ctx, attestor: string): bigint {
    return K.AttestorCitizens.get(ctx, attestor) ?? 0n;
  }

  private bump(ctx: Ctx, attestor: string, by: bigint): void {
    K.CitizenCount.set(ctx, this.citizenCount(ctx) + by);
    const n = this.attestorCitizens(ctx, attestor) + by;
    if (n === 0n) K.AttestorCitizens.delete(ctx, attestor);
    else K.AttestorCitizens.set(ctx, attestor, n);
  }

  /**
   * MsgRegisterCitizen's checks, in this order, each with its own code: attestor registered,
   * chain id, signature, expiry, phone hash not another address's, address not a citizen under
   * another hash; then the exact replay (BHLS_ALREADY_REGISTERED) and an attestation that does
   * not extend the stored expiry (BHLS_STALE_ATTESTATION). A re-attestation of the same
   * citizen with its own hash, before or after expiry, extends expiresAt.
   */
  register(ctx: Ctx, a: Attestation, attestorPubKey: string, signature: string): { citizen: Citizen; renewed: boolean } {
    if (!K.Attestors.has(ctx, a.attestor)) throw new BhlsError("BHLS_UNKNOWN_ATTESTOR", `${a.attestor} is not a registered attestor`, { attestor: a.attestor });
    if (a.chainId !== ctx.block.chainId) {
      throw new BhlsError("BHLS_WRONG_CHAIN", `the attestation is for chain "${a.chainId}", this is "${ctx.block.chainId}"`, { chainId: a.chainId, expected: ctx.block.chainId });
    }
    if (!verifyAttestation(a, attestorPubKey, signature)) {
      throw new BhlsError("BHLS_BAD_ATTESTATION", `the signature is not ${a.attestor}'s over this attestation`, { attestor: a.attestor });
    }
    const now = nowSeconds(ctx);
    if (a.expiresAt <= now) throw new BhlsError("BHLS_ATTESTATION_EXPIRED", `the attestation expired at ${a.expiresAt}; block time is ${now}`, { expiresAt: a.expiresAt, now });
    const owner = K.PhoneHashes.get(ctx, a.phoneHash);
    if (owner !== undefined && owner !== a.citizen) {
      throw new BhlsError("BHLS_PHONE_HASH_IN_USE", `phone hash ${a.phoneHash} is already ${owner}'s`, { phoneHash: a.phoneHash });
    }
    const prev = K.Citizens.get(ctx, a.citizen);
    if (prev && prev.phoneHash !== a.phoneHash) {
      throw new BhlsError("BHLS_ALREADY_CITIZEN", `${a.citizen} is already a citizen under another phone hash`, { citizen: a.citizen });
    }
    let c: Citizen;
    if (prev) {
      if (prev.expiresAt === a.expiresAt && prev.attestor === a.attestor) {
        throw new BhlsError("BHLS_ALREADY_REGISTERED", `${a.citizen} is already registered by this attestation (expires ${a.expiresAt})`, { citizen: a.citizen, expiresAt: a.expiresAt });
      }
      if (a.expiresAt <= prev.expiresAt) {
        throw new BhlsError("BHLS_STALE_ATTESTATION", `${a.citizen}'s registration already runs to ${prev.expiresAt}; this attestation ends at ${a.expiresAt}`, {
          citizen: a.citizen,
          expiresAt: prev.expiresAt,
        });
      }
      c = { ...prev, expiresAt: a.expiresAt, attestor: a.attestor };
      K.Citizens.set(ctx, a.citizen, c);
      if (prev.attestor !== a.attestor) {
        this.bump(ctx, prev.attestor, -1n);
        this.bump(ctx, a.attestor, 1n);
      }
    } else {
      c = { address: a.citizen, phoneHash: a.phoneHash, attestor: a.attestor, expiresAt: a.expiresAt, registeredAt: now, lastClaimEpoch: 0, seq: K.RegistrationSeq.nextNumber(ctx) };
      this.put(ctx, c);
    }
    ctx.emit(BhlsEvents.CitizenRegistered, { citizen: c.address, attestor: c.attestor, phoneHash: c.phoneHash, expiresAt: String(c.expiresAt), renewed: String(!!prev) });
    return { citizen: c, renewed: !!prev };
  }

  /** A new citizen record, its phone hash and the counters (registration, genesis, the bench's fill). */
  put(ctx: Ctx, c: Citizen): void {
    K.Citizens.set(ctx, c.address, c);
    K.PhoneHashes.set(ctx, c.phoneHash, c.address);
    this.bump(ctx, c.attestor, 1n);
  }

  /** Revoke up to `limit` of `attestor`'s citizens (index order); returns how many were revoked and how many remain. */
  revoke(ctx: Ctx, attestor: string, limit: number): { revoked: number; remaining: bigint } {
    const batch = [...K.CitizensByAttestor.keys(ctx, { prefix: [attestor], limit })];
    for (const address of batch) {
      const c = K.Citizens.get(ctx, address)!;
      K.Citizens.delete(ctx, address);
      K.PhoneHashes.delete(ctx, c.phoneHash);
    }
    if (batch.length > 0) this.bump(ctx, attestor, -BigInt(batch.length));
    const remaining = this.attestorCitizens(ctx, attestor);
    ctx.emit(BhlsEvents.CitizensRevoked, { attestor, revoked: String(batch.length), remaining: remaining.toString() });
    return { revoked: batch.length, remaining };
  }
}
