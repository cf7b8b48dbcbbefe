import { sha256, utf8 } from "../../runtime/crypto/hash.ts";
import {
  ConsensusCore,
  ed25519Signer,
  signProposal,
  signVote,
  ValidatorSet,
  type ConsensusSigner,
  type CoreOutput,
  type SignedMessage,
  type SignedProposal,
  type SignedVote,
  type TimeoutConfig,
  type VoteType,
} from "../../runtime/consensus/index.ts";
import { simKey } from "../sim/simulator.ts";

export const CHAIN = "nexus-test";
export const T: TimeoutConfig = {
  propose: { baseMs: 100, deltaMs: 10 },
  prevote: { baseMs: 50, deltaMs: 5 },
  precommit: { baseMs: 50, deltaMs: 5 },
};

export interface Fixture {
  readonly set: ValidatorSet;
  readonly signers: Map<string, ConsensusSigner>;
  /** Signers in validator-set order. */
  readonly ordered: ConsensusSigner[];
}

export function fixture(powers: readonly bigint[], bands?: readonly number[]): Fixture {
  const signers = new Map<string, ConsensusSigner>();
  const vals = powers.map((power, i) => {
    const k = simKey(i);
    signers.set(k.address, ed25519Signer(k.address, k.secret));
    return { address: k.address, publicKey: k.publicKey, power, band: bands?.[i] ?? 1 };
  });
  const set = ValidatorSet.create(vals);
  return { set, signers, ordered: set.validators.map((v) => signers.get(v.address)!) };
}

export function value(label: string): Uint8Array {
  return sha256(utf8(label));
}

export function proposal(f: Fixture, height: number, round: number, blockHash: Uint8Array, polRound = -1, by?: string): SignedProposal {
  const proposer = by ?? f.set.proposerForRound(round).address;
  return signProposal(CHAIN, f.signers.get(proposer)!, { height, round, blockHash, polRound, proposer });
}

export function vote(f: Fixture, who: string, type: VoteType, height: number, round: number, blockHash: Uint8Array | null): SignedVote {
  return signVote(CHAIN, f.signers.get(who)!, { type, height, round, blockHash, validator: who });
}

export function msg(m: SignedMessage): { kind: "message"; message: SignedMessage } {
  return { kind: "message", message: m };
}

export function of<K extends CoreOutput["kind"]>(outs: readonly CoreOutput[], kind: K): Extract<CoreOutput, { kind: K }>[] {
  return outs.filter((o): o is Extract<CoreOutput, { kind: K }> => o.kind === kind);
}

/** A core for validator `self` at height 1, with outputs of startHeight. */
export function core(f: Fixture, self: string | undefined, height = 1): { c: ConsensusCore; outs: CoreOutput[] } {
  const c = new ConsensusCore({ self, timeouts: T });
  return { c, outs: c.startHeight(height, f.set) };
}
