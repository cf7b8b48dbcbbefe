import { bytesEqual, fromHex, toHex } from "../../crypto/hash.ts";
import { ed25519 } from "../../crypto/ed25519.ts";
import { verifyCommit, voteSignBytes, type CommitCertificate, type ValidatorSet, type Validator } from "../../consensus/index.ts";
import { applyUpdates, type ValidatorSetRecord } from "../../consensus/engine/valset.ts";
import type { ValidatorUpdate } from "../../modules/types.ts";
import { NodeErrors } from "../errors.ts";

/**
 * Why a state-synced node may believe a snapshot (the light-client rules of CometBFT, over the
 * sets NexusOS records in state rather than in headers):
 *
 * 1. Before anything is downloaded, the snapshot block's commit must carry precommits of more
 *    than 1/3 of the power of a set this node already trusts (genesis's, or its own). Under
 *    the usual BFT assumption (less than 1/3 of that set faulty for as long as it is trusted,
 *    CometBFT's trusting period), at least one honest validator signed the block: it is real.
 *    An operator's trust point (stateSync.trust: a height and its block's hash) replaces this
 *    rule: only that block's snapshot is restored (client.ts).
 * 2. The chunks are checked against that block's state root, so the imported state is the
 *    chain's state at that height.
 * 3. That state records the validator sets of the block's height and the next two
 *    (ModuleInstance.consensusSet): the commit must verify in full (> 2/3, band diversity)
 *    against the recorded set, and the consensus records a peer serves must hold exactly the
 *    recorded members with the recorded pending updates. Only the proposer priorities are the
 *    serving peers' word (several peers must agree on them): they decide whose turn it is to
 *    propose, never whether a block is committed.
 */

export class StateSyncTrustError extends NodeErrors<"STATE_SYNC_UNTRUSTED"> {}

/** Power of `trusted` whose valid precommits the certificate carries; signers outside it are ignored. */
export function trustedPower(chainId: string, trusted: ValidatorSet, height: number, blockHash: Uint8Array, cert: CommitCertificate, verify = (k: Uint8Array, m: Uint8Array, s: Uint8Array) => ed25519.verify(k, m, s)): bigint {
  if (cert.height !== height || !bytesEqual(cert.blockHash, blockHash)) return 0n;
  let power = 0n;
  const seen = new Set<string>();
  for (const s of cert.signatures) {
    const v = trusted.get(s.validator);
    if (!v || seen.has(s.validator)) continue;
    seen.add(s.validator);
    if (verify(v.publicKey, voteSignBytes(chainId, { type: "precommit", height, round: cert.round, blockHash, validator: s.validator }), s.signature)) power += v.power;
  }
  return power;
}

/** Rule 1: more than 1/3 of the trusted set's power signed the block, or STATE_SYNC_UNTRUSTED. */
export function assertTrusted(chainId: string, trusted: ValidatorSet, height: number, blockHash: Uint8Array, cert: CommitCertificate): void {
  const power = trustedPower(chainId, trusted, height, blockHash, cert);
  if (!trusted.hasOneThird(power)) {
    throw new StateSyncTrustError(
      "STATE_SYNC_UNTRUSTED",
      `block ${height} is signed by ${power} of the trusted validator set's ${trusted.totalPower} power, more than 1/3 is needed: the validator set changed too much since the trusted one (sync blocks from genesis instead) or the peers serve another chain`,
      { height, power: power.toString(), total: trusted.totalPower.toString() },
    );
  }
}

function memberKey(address: string, publicKeyHex: string, power: bigint, band: number): string {
  return `${address}/${publicKeyHex.toLowerCase()}/${power}/${band}`;
}

/** The difference between a set's members and the members the state records, or null when equal. */
export function membersDiffer(members: readonly Validator[], recorded: readonly ValidatorUpdate[]): string | null {
  const a = new Set(members.map((v) => memberKey(v.address, toHex(v.publicKey), v.power, v.band)));
  const b = new Set(recorded.filter((u) => u.power > 0n).map((u) => memberKey(u.address, u.consensusPubKey ?? "", u.power, u.band ?? 0)));
  const missing = [...b].filter((k) => !a.has(k));
  const extra = [...a].filter((k) => !b.has(k));
  if (missing.length === 0 && extra.length === 0) return null;
  return `${missing.length ? `missing ${missing.join(", ")}` : ""}${missing.length && extra.length ? "; " : ""}${extra.length ? `not recorded ${extra.join(", ")}` : ""}`;
}

/**
 * Rule 3 for one consensus record of height h: its set's members are the state's for h, and
 * its pending updates turn them into the state's members for h+1.
 */
export function checkRecord(record: ValidatorSetRecord, height: number, recordedAt: (h: number) => readonly ValidatorUpdate[]): string | null {
  const own = membersDiffer(record.set.validators, recordedAt(height));
  if (own) return `the validator set served for height ${height} is not the one the state records: ${own}`;
  const after = applyUpdates(record.set.validators, record.pending);
  const next = membersDiffer(after, recordedAt(height + 1));
  if (next) return `the pending updates served with height ${height}'s validator set do not give the set the state records for height ${height + 1}: ${next}`;
  return null;
}

/** Rule 3 for the snapshot block: its commit verifies in full against the recorded set of its height. */
export function assertCommitVerifies(chainId: string, set: ValidatorSet, height: number, blockHash: Uint8Array, cert: CommitCertificate): void {
  const v = verifyCommit(chainId, set, height, blockHash, cert);
  if (!v.ok) throw new StateSyncTrustError("STATE_SYNC_UNTRUSTED", `the commit of block ${height} does not verify against the validator set the synced state records: ${v.reason}`, { height, code: v.code });
}

