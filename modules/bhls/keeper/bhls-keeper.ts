import { inject, injectable } from "inversify";
import type { Ctx } from "../../../runtime/modules/types.ts";
import type { Attestation } from "../attestation.ts";
import { BhlsDeps, type BankForBhls, type EpochSource } from "../expected-keepers.ts";
import { BhlsError } from "../errors.ts";
import * as K from "../keys.ts";
import { bhlsConfig, defaultParams, type BhlsConfig, type BhlsParams } from "../params.ts";
import type { Attestor, BridgeClaim, Citizen, EpochShare } from "../records.ts";
import { CitizenKeeper, nowSeconds } from "./citizens.ts";
import { ClaimKeeper, type ClaimDestination, type ClaimResult } from "./claims.ts";

/** Token of the BhlsConfig the chain gives (authority). */
export const BhlsConfigToken = Symbol.for("bhls.Config");

/**
 * The BHLS keeper: attestors and citizens (citizens.ts), claims and bridge deliveries
 * (claims.ts). Also economy's CitizenRegistry port (citizenCount) and, through the PICO role
 * provider, the runtime's answer to "is this address a registered attestor".
 */
@injectable()
export class BhlsKeeper {
  readonly citizens: CitizenKeeper;
  readonly claims: ClaimKeeper;

  constructor(
    @inject(BhlsDeps.Bank) readonly bank: BankForBhls,
    @inject(BhlsDeps.Epochs) epochs: EpochSource,
    @inject(BhlsConfigToken) readonly config: BhlsConfig = bhlsConfig(),
  ) {
    this.citizens = new CitizenKeeper();
    this.claims = new ClaimKeeper(bank, epochs, this.citizens);
  }

  get authority(): string {
    return this.config.authority;
  }

  requireAuthority(address: string): void {
    if (address !== this.config.authority) {
      throw new BhlsError("BHLS_UNAUTHORIZED", `${address} is not bhls's authority (${this.config.authority})`, { authority: this.config.authority });
    }
  }

  params(ctx: Ctx): BhlsParams {
    return K.Params.get(ctx) ?? defaultParams();
  }

  setParams(ctx: Ctx, p: BhlsParams): void {
    K.Params.set(ctx, p);
  }

  /** economy's CitizenRegistry: registered citizens (expired ones included until revoked), one read. */
  citizenCount(ctx: Ctx): bigint {
    return this.citizens.citizenCount(ctx);
  }

  isAttestor(ctx: Ctx, address: string): boolean {
    return this.citizens.isAttestor(ctx, address);
  }

  attestor(ctx: Ctx, address: string): Attestor | undefined {
    return this.citizens.attestor(ctx, address);
  }

  citizen(ctx: Ctx, address: string): Citizen | undefined {
    return this.citizens.citizen(ctx, address);
  }

  /** An attested citizen now: registered and its attestation not expired (achievements' CitizenLookup). */
  isCitizen(ctx: Ctx, address: string): boolean {
    const c = this.citizens.citizen(ctx, address);
    return c !== undefined && c.expiresAt > nowSeconds(ctx);
  }

  registerCitizen(ctx: Ctx, a: Attestation, attestorPubKey: string, signature: string): { citizen: Citizen; renewed: boolean } {
    return this.citizens.register(ctx, a, attestorPubKey, signature);
  }

  /** Writes a citizen record directly (genesis; benches filling state). The caller checks uniqueness. */
  putCitizen(ctx: Ctx, c: Citizen): void {
    this.citizens.put(ctx, c);
  }

  /** Every refusal of `claim`, without a write (a nonce-free claim's one-time check). */
  checkClaim(ctx: Ctx, citizen: string, destination?: ClaimDestination, forEpoch?: number): void {
    this.claims.plan(ctx, this.params(ctx), citizen, destination, forEpoch);
  }

  claim(ctx: Ctx, citizen: string, destination?: ClaimDestination, forEpoch?: number): ClaimResult {
    return this.claims.claim(ctx, this.params(ctx), citizen, destination, forEpoch);
  }

  // The bridge's BhlsForBridge (modules/bridge/expected-keepers.ts): cross-chain deliveries.

  bridgeClaimsFor(ctx: Ctx, chains: ReadonlySet<string>, limit: number): BridgeClaim[] {
    return this.claims.bridgeClaimsFor(ctx, chains, limit);
  }

  releaseBridgeClaim(ctx: Ctx, id: number, to: string): void {
    this.claims.releaseBridgeClaim(ctx, id, to);
  }

  epochShare(ctx: Ctx, epoch: number): EpochShare | undefined {
    return this.claims.epochShare(ctx, epoch);
  }
}
