import { fromHex } from "../../crypto/hash.ts";
import { checkProposal, checkVote } from "../codec.ts";
import { buildCommit } from "../commit.ts";
import { ConsensusError } from "../errors.ts";
import { duplicateVoteEvidence } from "../evidence.ts";
import { messageHeight, messageRound, messageSigner, NIL_KEY, valueKey, type SignedMessage, type SignedProposal, type ValueKey, type Vote } from "../types.ts";
import type { ValidatorSet } from "../validator-set.ts";
import { DEFAULT_TIMEOUTS, type CoreInput, type CoreOutput, type CoreSnapshot, type Step, type TimeoutConfig, type TimeoutStep } from "./types.ts";
import { VoteSet } from "./vote-set.ts";

/** A validator may hold messages in at most this many rounds above ours (CometBFT's catch-up rounds). */
export const MAX_FUTURE_ROUNDS_PER_VALIDATOR = 2;
/** Messages further ahead than this are dropped: no honest peer gets there before we hear of it. */
export const MAX_ROUND_LOOKAHEAD = 10_000;

export interface CoreOptions {
  /** This node's validator address; undefined for a non-validating observer. */
  readonly self?: string;
  readonly timeouts?: TimeoutConfig;
}

interface RoundState {
  /**
   * Proposals of the round's proposer by value. The paper keeps every message; a Byzantine
   * proposer may send several, and the one that gathered a quorum must not be lost. The first
   * is always kept, others only once a vote names their value (bounded: one vote per validator).
   */
  readonly proposals: Map<ValueKey, SignedProposal>;
  readonly prevotes: VoteSet;
  readonly precommits: VoteSet;
  /** Validators with any message in this round, for the f+1 round skip. */
  readonly senders: Set<string>;
  senderPower: bigint;
}

/**
 * Tendermint (Buchman, Kwon, Milosevic 2018, arXiv:1807.04938, Algorithm 1) for one
 * validator, as a deterministic state machine: inputs in, outputs out, no clock, no I/O.
 * Line numbers in comments refer to Algorithm 1. Values are block hashes. The decide rule
 * (line 49) also requires the precommits to span min(5, populated) bands (PoSPECTRUM).
 */
export class ConsensusCore {
  private readonly self: string | undefined;
  private readonly timeouts: TimeoutConfig;
  private set: ValidatorSet | undefined;
  private h = 0;
  private round = 0;
  private step: Step = "propose";
  private decided = false;
  private lockedValue: ValueKey | null = null;
  private lockedRound = -1;
  private validValue: ValueKey | null = null;
  private validRound = -1;
  private rounds = new Map<number, RoundState>();
  private validity = new Map<ValueKey, boolean>();
  private requested = new Set<ValueKey>();
  private reported = new Set<string>();
  private futureRounds = new Map<string, Set<number>>();
  private awaitingValue = false;
  private accepted = false;
  // "for the first time" flags of lines 34, 36 and 47, for the current round.
  private prevoteTimeoutScheduled = false;
  private line36Done = false;
  private precommitTimeoutScheduled = false;

  constructor(o: CoreOptions = {}) {
    this.self = o.self;
    this.timeouts = o.timeouts ?? DEFAULT_TIMEOUTS;
  }

  get height(): number {
    return this.h;
  }

  /** True once this height is decided, until startHeight. */
  get isDecided(): boolean {
    return this.decided;
  }

  get validators(): ValidatorSet | undefined {
    return this.set;
  }

  snapshot(): CoreSnapshot {
    return {
      height: this.h,
      round: this.round,
      step: this.step,
      decided: this.decided,
      lockedRound: this.lockedRound,
      lockedValue: this.lockedValue,
      validRound: this.validRound,
      validValue: this.validValue,
    };
  }

  /** Begin `height` with its validator set (line 10 and the reset of line 54). */
  startHeight(height: number, validators: ValidatorSet): CoreOutput[] {
    if (!Number.isSafeInteger(height) || height < 1 || height <= this.h) {
      throw new ConsensusError("CONSENSUS_BAD_STATE", `cannot start height ${height} after height ${this.h}`);
    }
    this.set = validators;
    this.h = height;
    this.decided = false;
    this.lockedValue = null;
    this.lockedRound = -1;
    this.validValue = null;
    this.validRound = -1;
    this.rounds = new Map();
    this.validity = new Map();
    this.requested = new Set();
    this.reported = new Set();
    this.futureRounds = new Map();
    const out: CoreOutput[] = [];
    this.startRound(0, out);
    this.evaluate(out);
    return out;
  }

  /**
   * Whether the last handle() took the input in (a new message stored, or a timeout or answer
   * for this height); the driver writes only those to the WAL, so duplicates do not grow it.
   */
  get lastAccepted(): boolean {
    return this.accepted;
  }

  handle(input: CoreInput): CoreOutput[] {
    const out: CoreOutput[] = [];
    this.accepted = false;
    if (!this.set || this.decided) return out;
    switch (input.kind) {
      case "message":
        if (!this.accept(input.message, out)) return out;
        break;
      case "timeout":
        if (input.height !== this.h) return out;
        this.onTimeout(input.round, input.step, out);
        break;
      case "validated": {
        if (input.height !== this.h) return out;
        const k = valueKey(input.blockHash);
        if (this.validity.has(k)) return out;
        this.validity.set(k, input.valid);
        break;
      }
      case "value": {
        if (input.height !== this.h || input.round !== this.round || !this.awaitingValue || this.step !== "propose") return out;
        if (!(input.blockHash instanceof Uint8Array) || input.blockHash.length !== 32) return out;
        this.awaitingValue = false;
        this.validity.set(valueKey(input.blockHash), true); // our own block
        out.push({ kind: "sign-proposal", proposal: { height: this.h, round: this.round, blockHash: input.blockHash, polRound: -1, proposer: this.self! } });
        break;
      }
    }
    this.accepted = true;
    this.evaluate(out);
    return out;
  }

  // ---- message intake ---------------------------------------------------------------------

  private accept(m: SignedMessage, out: CoreOutput[]): boolean {
    if (messageHeight(m) !== this.h) return false;
    try {
      if (m.kind === "proposal") checkProposal(m.proposal);
      else checkVote(m.vote);
    } catch {
      return false;
    }
    const set = this.set!;
    const signer = messageSigner(m);
    const val = set.get(signer);
    if (!val) return false;
    const r = messageRound(m);
    if (r > this.round && !this.admitFuture(signer, r)) return false;
    const rs = this.roundState(r);
    if (m.kind === "proposal") {
      if (set.proposerForRound(r).address !== signer) return false;
      const k = valueKey(m.proposal.blockHash);
      if (rs.proposals.has(k)) return false;
      if (rs.proposals.size > 0 && rs.prevotes.powerFor(k) === 0n && rs.precommits.powerFor(k) === 0n) return false;
      rs.proposals.set(k, m);
      if (!this.validity.has(k) && !this.requested.has(k)) {
        this.requested.add(k);
        out.push({ kind: "validate", height: this.h, round: r, blockHash: m.proposal.blockHash, proposer: signer });
      }
    } else {
      const vs = m.vote.type === "prevote" ? rs.prevotes : rs.precommits;
      const res = vs.add(m, val, (k) => rs.proposals.has(k));
      if (res.kind === "duplicate") return false;
      // Report equivocation once per validator and vote set: on its first conflicting vote.
      if (res.kind !== "added" || res.conflict) {
        const key = `${r}/${m.vote.type}/${signer}`;
        if (!this.reported.has(key)) {
          this.reported.add(key);
          out.push({ kind: "evidence", evidence: duplicateVoteEvidence(res.kind === "added" ? res.conflict! : res.conflict, m) });
        }
      }
      if (res.kind === "ignored") return false;
    }
    if (!rs.senders.has(signer)) {
      rs.senders.add(signer);
      rs.senderPower += val.power;
    }
    return true;
  }

  /** Bound memory: each validator may occupy only a couple of rounds ahead of ours. */
  private admitFuture(signer: string, r: number): boolean {
    if (r > this.round + MAX_ROUND_LOOKAHEAD) return false;
    let s = this.futureRounds.get(signer);
    if (!s) this.futureRounds.set(signer, (s = new Set()));
    if (s.has(r)) return true;
    for (const x of s) if (x <= this.round) s.delete(x);
    if (s.size >= MAX_FUTURE_ROUNDS_PER_VALIDATOR) return false;
    s.add(r);
    return true;
  }

  private roundState(r: number): RoundState {
    let rs = this.rounds.get(r);
    if (!rs) {
      rs = { proposals: new Map(), prevotes: new VoteSet(), precommits: new VoteSet(), senders: new Set(), senderPower: 0n };
      this.rounds.set(r, rs);
    }
    return rs;
  }

  // ---- Algorithm 1 ------------------------------------------------------------------------

  /** Lines 11-21. */
  private startRound(r: number, out: CoreOutput[]): void {
    this.round = r;
    this.step = "propose";
    this.prevoteTimeoutScheduled = false;
    this.line36Done = false;
    this.precommitTimeoutScheduled = false;
    this.awaitingValue = false;
    const proposer = this.set!.proposerForRound(r).address;
    if (proposer === this.self) {
      if (this.validValue !== null) {
        out.push({ kind: "sign-proposal", proposal: { height: this.h, round: r, blockHash: fromHex(this.validValue), polRound: this.validRound, proposer } });
      } else {
        this.awaitingValue = true;
        out.push({ kind: "get-value", height: this.h, round: r });
      }
    }
    // The paper schedules this for non-proposers only; getValue is asynchronous here, so the
    // proposer keeps the same guard in case the application never answers.
    this.schedule("propose", out);
  }

  private schedule(step: TimeoutStep, out: CoreOutput[]): void {
    const rule = this.timeouts[step];
    out.push({ kind: "schedule-timeout", height: this.h, round: this.round, step, durationMs: rule.baseMs + this.round * rule.deltaMs });
  }

  /** Lines 57-66. */
  private onTimeout(r: number, step: TimeoutStep, out: CoreOutput[]): void {
    if (r !== this.round) return;
    if (step === "propose" && this.step === "propose") {
      this.vote("prevote", null, out);
      this.step = "prevote";
    } else if (step === "prevote" && this.step === "prevote") {
      this.vote("precommit", null, out);
      this.step = "precommit";
    } else if (step === "precommit") {
      this.startRound(this.round + 1, out);
    }
  }

  private vote(type: Vote["type"], value: ValueKey | null, out: CoreOutput[]): void {
    if (this.self === undefined || !this.set!.get(this.self)) return; // observers follow without voting
    out.push({ kind: "sign-vote", vote: { type, height: this.h, round: this.round, blockHash: value === null || value === NIL_KEY ? null : fromHex(value), validator: this.self } });
  }

  // The three locking decisions, as methods so that the Twins test (test/sim/twins.test.ts)
  // can prove it catches a core that gets them wrong by subclassing. Nothing else overrides them.

  /** Line 22: a fresh proposal (validRound −1) of k may get our prevote: not locked, or locked on k. */
  protected mayPrevoteFresh(k: ValueKey): boolean {
    return this.lockedRound === -1 || this.lockedValue === k;
  }

  /** Line 28: a proposal of k justified by a prevote quorum of round vr: locked no later than vr, or on k. */
  protected mayPrevoteWithPol(k: ValueKey, vr: number): boolean {
    return this.lockedRound <= vr || this.lockedValue === k;
  }

  /** Line 36-38: lock on k in `round`. */
  protected lock(k: ValueKey, round: number): void {
    this.lockedValue = k;
    this.lockedRound = round;
  }

  /** Apply every enabled upon-rule until none is (each changes the step, round or a flag, so this ends). */
  private evaluate(out: CoreOutput[]): void {
    for (let guard = 0; guard < 10_000; guard++) {
      if (this.decided) return;
      if (this.tryDecide(out)) return;
      if (this.tryRoundSkip(out)) continue;
      if (this.currentRoundRules(out)) continue;
      return;
    }
    throw new ConsensusError("CONSENSUS_BAD_STATE", "upon-rules did not settle");
  }

  /** Line 49: a proposal of round r and 2f+1 precommits for it, spanning enough bands. */
  private tryDecide(out: CoreOutput[]): boolean {
    const set = this.set!;
    for (const [r, rs] of this.rounds) {
      for (const [k, p] of rs.proposals) {
        if (!set.hasQuorum(rs.precommits.powerFor(k))) continue;
        if (rs.precommits.bandsFor(k) < set.requiredBands) continue; // spectral diversity, on top of the quorum
        if (this.validity.get(k) !== true) continue;
        this.decided = true;
        const certificate = buildCommit(rs.precommits.votesFor(k));
        out.push({ kind: "decide", height: this.h, round: r, blockHash: p.proposal.blockHash, certificate });
        return true;
      }
    }
    return false;
  }

  /** Line 55: f+1 of voting power has messages in a higher round: go there. */
  private tryRoundSkip(out: CoreOutput[]): boolean {
    let target = -1;
    for (const [r, rs] of this.rounds) {
      if (r > this.round && r > target && this.set!.hasOneThird(rs.senderPower)) target = r;
    }
    if (target < 0) return false;
    this.startRound(target, out);
    return true;
  }

  private currentRoundRules(out: CoreOutput[]): boolean {
    const set = this.set!;
    const rs = this.roundState(this.round);

    if (this.step === "propose") {
      for (const [k, sp] of rs.proposals) {
        const p = sp.proposal;
        const valid = this.validity.get(k);
        if (valid === undefined) continue;
        if (p.polRound === -1) {
          // Line 22.
          this.vote("prevote", valid && this.mayPrevoteFresh(k) ? k : null, out);
          this.step = "prevote";
          return true;
        }
        const vr = p.polRound;
        if (vr < this.round && set.hasQuorum(this.rounds.get(vr)?.prevotes.powerFor(k) ?? 0n)) {
          // Line 28.
          this.vote("prevote", valid && this.mayPrevoteWithPol(k, vr) ? k : null, out);
          this.step = "prevote";
          return true;
        }
      }
    }
    if (this.step === "prevote" && !this.prevoteTimeoutScheduled && set.hasQuorum(rs.prevotes.anyPower)) {
      // Line 34.
      this.prevoteTimeoutScheduled = true;
      this.schedule("prevote", out);
      return true;
    }
    const k = this.step === "propose" || this.line36Done ? undefined : [...rs.proposals.keys()].find((x) => this.validity.get(x) === true && set.hasQuorum(rs.prevotes.powerFor(x)));
    if (k !== undefined) {
      // Line 36.
      this.line36Done = true;
      if (this.step === "prevote") {
        this.lock(k, this.round);
        this.vote("precommit", k, out);
        this.step = "precommit";
      }
      this.validValue = k;
      this.validRound = this.round;
      return true;
    }
    if (this.step === "prevote" && set.hasQuorum(rs.prevotes.powerFor(NIL_KEY))) {
      // Line 44.
      this.vote("precommit", null, out);
      this.step = "precommit";
      return true;
    }
    if (!this.precommitTimeoutScheduled && set.hasQuorum(rs.precommits.anyPower)) {
      // Line 47.
      this.precommitTimeoutScheduled = true;
      this.schedule("precommit", out);
      return true;
    }
    return false;
  }
}
