import type { Ctx } from "../modules/types.ts";
import type { ModuleManager, RoutedMsg } from "../modules/manager.ts";
import { Band, bandName } from "../tx/bands.ts";
import { TxError } from "../tx/errors.ts";
import type { DecodedTx } from "../tx/envelope.ts";
import { baseFee } from "../tx/fees.ts";
import { describeAjvErrors } from "../modules/schemas.ts";
import type { BandRoleProvider } from "./interfaces.ts";
import type { RuntimeParams } from "./runtime-params.ts";
import { txSigners } from "../tx/sign.ts";

/** Stateless checks: chain id, size, routes, schemas, signer coverage, band floor. */
export function statelessCheck(d: DecodedTx, chainId: string, params: RuntimeParams, modules: ModuleManager): RoutedMsg[] {
  const { body } = d.tx;
  if (d.bytes.length > params.maxTxBytes) {
    throw new TxError("TX_TOO_LARGE", `transaction is ${d.bytes.length} bytes, the limit is ${params.maxTxBytes}`, { size: d.bytes.length });
  }
  if (body.chainId !== chainId) {
    throw new TxError("TX_WRONG_CHAIN", `transaction is for chain "${body.chainId}" but this is "${chainId}"; sign it with --chain-id ${chainId}`);
  }
  const signers = new Set(txSigners(d.tx));
  return body.msgs.map((m, i) => {
    const r = modules.route(m.typeUrl);
    if (!r) throw new TxError("TX_UNKNOWN_MSG", `msgs[${i}] has typeUrl "${m.typeUrl}", which no module registers`, { typeUrl: m.typeUrl });
    if (!r.validate(m.value)) {
      throw new TxError("TX_INVALID_MSG", `msgs[${i}] (${m.typeUrl}): ${describeAjvErrors(r.validate.errors, "value")}`, { typeUrl: m.typeUrl });
    }
    const badAddress = r.checkAddresses(m.value);
    if (badAddress) throw new TxError("TX_INVALID_MSG", `msgs[${i}] (${m.typeUrl}): ${badAddress}`, { typeUrl: m.typeUrl });
    if (r.def.validate) {
      try {
        r.def.validate(m.value);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        throw new TxError("TX_INVALID_MSG", `msgs[${i}] (${m.typeUrl}): ${(e as Error).message}`, { typeUrl: m.typeUrl, code: typeof code === "string" ? code : undefined });
      }
    }
    if (body.band < r.minBand) {
      throw new TxError("TX_BAND_FORBIDDEN", `msgs[${i}] (${m.typeUrl}) needs band ${bandName(r.minBand)} or above, the transaction is ${bandName(body.band)}`);
    }
    for (const s of r.def.signers(m.value)) {
      if (!signers.has(s)) throw new TxError("TX_MISSING_SIGNER", `msgs[${i}] (${m.typeUrl}) must be signed by ${s}, which is not among the transaction's signers`);
    }
    return r;
  });
}

/**
 * The one-time keys of a transaction whose every message is a one-time action
 * (MsgDef.oneTime), in message order; undefined when it uses the sender's nonce.
 */
export function oneTimeKeys(d: DecodedTx, routes: readonly RoutedMsg[]): string[] | undefined {
  const keys: string[] = [];
  for (const [i, m] of d.tx.body.msgs.entries()) {
    const k = routes[i]!.def.oneTime?.key(m.value, d.tx.body.sender);
    if (k === undefined) return undefined;
    keys.push(k);
  }
  return keys;
}

/** A nonce-free transaction: nonce 0 and each one-time action once. Throws TxError. */
export function checkNonceFree(d: DecodedTx, keys: readonly string[]): void {
  if (d.tx.body.nonce !== 0n) {
    throw new TxError("TX_NONCE_FREE_NONCE", `a transaction of one-time messages only does not use the sender's nonce: sign it with nonce 0 (it has ${d.tx.body.nonce})`);
  }
  const seen = new Set<string>();
  for (const [i, k] of keys.entries()) {
    if (seen.has(k)) throw new TxError("TX_INVALID_MSG", `msgs[${i}] repeats the one-time action ${k} of an earlier message`);
    seen.add(k);
  }
}

/** The refusal of a second pending transaction for a one-time action (checkTx and the mempool). */
export function oneTimePendingError(key: string, holder: string): TxError {
  return new TxError("TX_ONE_TIME_PENDING", `pending transaction ${holder} already does the one-time action ${key}`, { key, pending: holder });
}

/** Every message's one-time check (read-only), before any fee: throws the module's error. */
export function checkOneTime(ctx: Ctx, d: DecodedTx, routes: readonly RoutedMsg[]): void {
  d.tx.body.msgs.forEach((m, i) => routes[i]!.def.oneTime!.check(ctx, m.value, d.tx.body.sender));
}

/** Band roles: only what SPEC.md grants. ATTO and above never come from outside. */
export function checkBand(ctx: Ctx, d: DecodedTx, providers: readonly BandRoleProvider[]): void {
  const band = d.tx.body.band;
  if (band === Band.NANO) return;
  if (band >= Band.ATTO) {
    throw new TxError(
      "TX_BAND_FORBIDDEN",
      band === Band.PLANCK
        ? "PLANCK is the genesis band: no transaction may use it"
        : `${bandName(band)} authority belongs to the governance module account: submit a governance proposal instead`,
    );
  }
  const ps = providers.filter((p) => p.band === band);
  const sender = d.tx.body.sender;
  if (!ps.some((p) => p.holds(ctx, sender))) {
    const role = band === Band.PICO ? "a registered attestor" : "an active validator";
    throw new TxError("TX_BAND_FORBIDDEN", `${bandName(band)} transactions must be sent by ${role}; ${sender} is not`);
  }
}

/** Fee charged for this transaction: ceil(E/joulesPerUnit[band]) + tip, bounded by feeLimit. */
export function requiredFee(d: DecodedTx, params: RuntimeParams): bigint {
  const { body } = d.tx;
  const fee = baseFee(body.band, d.bytes.length, params.joulesPerUnit) + body.tip;
  if (fee > body.feeLimit) {
    throw new TxError(
      "TX_FEE_TOO_LOW",
      `fee limit ${body.feeLimit} is below the required ${fee} (E=h·f base fee for ${d.bytes.length} bytes in ${bandName(body.band)} plus tip ${body.tip})`,
      { required: fee.toString(), feeLimit: body.feeLimit.toString() },
    );
  }
  return fee;
}

export function checkTimeout(d: DecodedTx, height: number): void {
  const t = d.tx.body.timeoutHeight;
  if (t !== 0 && height > t) throw new TxError("TX_EXPIRED", `transaction timed out at height ${t}; the chain is at ${height}`);
}
