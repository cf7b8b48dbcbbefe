import type { ValidatorSet } from "../index.ts";
import type { BlockHeader } from "../../app/block.ts";
import { toHex } from "../../crypto/hash.ts";
import type { ConsensusApplication } from "../ports.ts";
import type { Verdict } from "../../p2p/transport.ts";

/** Gossip check of a transaction: stateless checks only (decode, limits, chain, messages); signatures at admission. */
export function checkTxGossip(app: Pick<ConsensusApplication, "precheckTx">, bytes: Uint8Array): Verdict {
  if (bytes.length === 0 || bytes.length > 128 * 1024) return "reject";
  try {
    app.precheckTx(bytes);
    return "accept";
  } catch {
    return "reject";
  }
}

/**
 * What a proposed header must satisfy besides executing to its roots (processProposal):
 * this chain, the next height, our last block as parent, a time after the parent's and not
 * too far ahead of our clock, and a proposer from the set. Returns the problem, if any.
 */
export function proposalHeaderProblem(
  h: BlockHeader,
  x: { chainId: string; height: number; prevHash: Uint8Array; prevTime: number; latestAllowedTime: number; set: ValidatorSet; roundProposer: string },
): string | undefined {
  if (h.chainId !== x.chainId) return `chain ${h.chainId}`;
  if (h.height !== x.height) return `height ${h.height}, expected ${x.height}`;
  if (toHex(h.prevHash) !== toHex(x.prevHash)) return "prevHash is not the last committed block";
  if (h.time <= x.prevTime) return `time ${h.time} is not after the previous block's ${x.prevTime}`;
  if (h.time > x.latestAllowedTime) return `time ${h.time} is too far in the future`;
  // Not necessarily the round's proposer: a later round re-proposes the block its first proposer built.
  if (!x.set.get(h.proposer)) return `header proposer ${h.proposer} is not a validator (round proposer ${x.roundProposer})`;
  return undefined;
}
