import { toHex } from "../crypto/hash.ts";
import { ConsensusCore, type CoreOptions } from "./core/state-machine.ts";
import type { CoreInput, CoreOutput, TimeoutConfig, TimeoutStep } from "./core/types.ts";
import { ConsensusError } from "./errors.ts";
import { signProposal, signVote, verifyMessageSignature, type ConsensusSigner } from "./signing.ts";
import { SignGuard } from "./sign-guard.ts";
import { messageHeight, messageSigner, type SignedMessage } from "./types.ts";
import type { ValidatorSet } from "./validator-set.ts";
import type { Wal } from "./wal/wal.ts";

/** Everything the node must do after feeding the driver an input. */
export type DriverEffect =
  | { readonly kind: "broadcast"; readonly message: SignedMessage }
  | Exclude<CoreOutput, { kind: "sign-proposal" | "sign-vote" }>
  | { readonly kind: "rejected"; readonly message: SignedMessage; readonly reason: string }
  | { readonly kind: "sign-refused"; readonly reason: string };

export interface DriverOptions {
  readonly chainId: string;
  readonly wal: Wal;
  /** The consensus key; absent for a node that follows consensus without voting. */
  readonly signer?: ConsensusSigner;
  readonly timeouts?: TimeoutConfig;
  /** Check received signatures here (default). Turn off only when a trusted layer already did. */
  readonly verifySignatures?: boolean;
  /** Start each height with a fresh log (default): older heights are in the block store. */
  readonly compactWal?: boolean;
  /**
   * TEST ONLY: builds the core (default: `new ConsensusCore(o)`, the correct one). The Twins
   * simulation passes a deliberately broken subclass to prove its checker catches it; a node
   * never sets this.
   */
  readonly createCore?: (o: CoreOptions) => ConsensusCore;
}

/** Messages of the next height kept until it starts: per signer and in total. */
const FUTURE_PER_SIGNER = 8;
const FUTURE_TOTAL = 4096;
const MAX_VERIFIED = 100_000;

function verifiedKey(m: SignedMessage): string {
  const body = m.kind === "proposal"
    ? `p/${m.proposal.height}/${m.proposal.round}/${m.proposal.polRound}/${toHex(m.proposal.blockHash)}/${m.proposal.proposer}`
    : `v/${m.vote.type}/${m.vote.height}/${m.vote.round}/${m.vote.blockHash ? toHex(m.vote.blockHash) : "nil"}/${m.vote.validator}`;
  return `${body}/${toHex(m.signature)}`;
}

/**
 * The core plus what makes it a safe validator: WAL logging of inputs before they are acted
 * on, signing through a SignGuard, WAL write + fsync of every signed message before it is
 * broadcast, signature checks, and a small buffer for the next height's early messages.
 * Still no timers and no sockets: the node turns effects into I/O.
 */
export class ConsensusDriver {
  readonly core: ConsensusCore;
  private readonly guard = new SignGuard();
  private replaying = false;
  private pendingSigns: CoreOutput[] = [];
  private future = new Map<string, SignedMessage[]>();
  private futureCount = 0;
  private verified = new Set<string>();

  constructor(private readonly o: DriverOptions) {
    const coreOptions: CoreOptions = { self: o.signer?.address, timeouts: o.timeouts };
    this.core = o.createCore ? o.createCore(coreOptions) : new ConsensusCore(coreOptions);
  }

  /**
   * Rebuild a validator after a restart at `height` (the node's last committed height + 1):
   * replay the WAL's records for that height through a fresh core, without signing anything
   * already signed. Returns the effects to carry out (timeouts to re-arm, requests to re-ask,
   * own messages to re-gossip, a decision the crash interrupted).
   */
  static recover(o: DriverOptions, height: number, validators: ValidatorSet): { driver: ConsensusDriver; effects: DriverEffect[] } {
    const d = new ConsensusDriver(o);
    const records = o.wal.records();
    // Every signed message in the log feeds the guard, so nothing below its height is ever signed.
    for (const r of records) if (r.kind === "signed") d.guard.record(r.message);
    let start = -1;
    for (let i = records.length - 1; i >= 0; i--) {
      const r = records[i]!;
      if (r.kind === "start" && r.height === height) {
        start = i;
        break;
      }
    }
    if (start < 0) return { driver: d, effects: d.startHeight(height, validators) };
    const effects: DriverEffect[] = [];
    d.replaying = true;
    d.process(d.core.startHeight(height, validators), effects);
    for (const r of records.slice(start + 1)) {
      if (r.kind === "start") break;
      const input: CoreInput = r.kind === "signed" ? { kind: "message", message: r.message } : r.input;
      d.process(d.core.handle(input), effects);
    }
    d.replaying = false;
    for (const m of d.guard.messages()) effects.push({ kind: "broadcast", message: m });
    const pending = d.pendingSigns;
    d.pendingSigns = [];
    d.process(pending, effects);
    return { driver: d, effects };
  }

  startHeight(height: number, validators: ValidatorSet): DriverEffect[] {
    if (this.o.compactWal ?? true) this.o.wal.reset([{ kind: "start", height }]);
    else this.o.wal.append({ kind: "start", height });
    this.verified = new Set();
    const effects: DriverEffect[] = [];
    this.process(this.core.startHeight(height, validators), effects);
    const buffered = this.future;
    this.future = new Map();
    this.futureCount = 0;
    for (const list of buffered.values()) for (const m of list) if (messageHeight(m) === height) effects.push(...this.receive(m));
    return effects;
  }

  /** A message from the network. */
  receive(m: SignedMessage): DriverEffect[] {
    const h = messageHeight(m);
    const cur = this.core.height;
    if (h === cur + 1) {
      this.buffer(m);
      return [];
    }
    const set = this.core.validators;
    if (h !== cur || !set || this.core.isDecided) return [];
    if (this.o.verifySignatures ?? true) {
      // Gossip repeats messages: verify each distinct one once per height.
      const key = verifiedKey(m);
      if (!this.verified.has(key)) {
        const v = verifyMessageSignature(this.o.chainId, set, m);
        if (!v.ok) return [{ kind: "rejected", message: m, reason: v.reason }];
        if (this.verified.size < MAX_VERIFIED) this.verified.add(key);
      }
    }
    return this.input({ kind: "message", message: m });
  }

  timeout(height: number, round: number, step: TimeoutStep): DriverEffect[] {
    return this.input({ kind: "timeout", height, round, step });
  }

  validated(height: number, blockHash: Uint8Array, valid: boolean): DriverEffect[] {
    return this.input({ kind: "validated", height, blockHash, valid });
  }

  value(height: number, round: number, blockHash: Uint8Array): DriverEffect[] {
    return this.input({ kind: "value", height, round, blockHash });
  }

  /** What this validator signed at the current height: the network layer re-gossips it. */
  ownMessages(): SignedMessage[] {
    return this.guard.messages();
  }

  private input(i: CoreInput): DriverEffect[] {
    const effects: DriverEffect[] = [];
    const outs = this.core.handle(i);
    // Logged after the core took it in but before anything it caused is signed or sent.
    if (this.core.lastAccepted) this.o.wal.append({ kind: "input", input: i });
    this.process(outs, effects);
    return effects;
  }

  private buffer(m: SignedMessage): void {
    if (this.futureCount >= FUTURE_TOTAL) return;
    const s = messageSigner(m);
    let list = this.future.get(s);
    if (!list) this.future.set(s, (list = []));
    if (list.length >= FUTURE_PER_SIGNER) return;
    list.push(m);
    this.futureCount++;
  }

  private process(outs: CoreOutput[], effects: DriverEffect[]): void {
    const queue = [...outs];
    for (let o = queue.shift(); o; o = queue.shift()) {
      if (o.kind !== "sign-proposal" && o.kind !== "sign-vote") {
        effects.push(o);
        continue;
      }
      const signed = this.sign(o, effects);
      // Our own message goes through the same path as anyone's.
      if (signed) queue.push(...this.core.handle({ kind: "message", message: signed }));
    }
  }

  private sign(o: Extract<CoreOutput, { kind: "sign-proposal" | "sign-vote" }>, effects: DriverEffect[]): SignedMessage | undefined {
    const signer = this.o.signer;
    if (!signer) return undefined;
    const [h, r, kind, hash] = o.kind === "sign-proposal" ? [o.proposal.height, o.proposal.round, "proposal" as const, o.proposal.blockHash] : [o.vote.height, o.vote.round, o.vote.type, o.vote.blockHash];
    let g: ReturnType<SignGuard["check"]>;
    try {
      g = this.guard.check(h, r, kind, hash);
    } catch (e) {
      if (e instanceof ConsensusError) {
        effects.push({ kind: "sign-refused", reason: e.message });
        return undefined;
      }
      throw e;
    }
    if (this.replaying) {
      // Signed before the crash: its "signed" record comes later in the log and is fed there.
      if (g.kind === "new") this.pendingSigns.push(o);
      return undefined;
    }
    if (g.kind === "same") {
      effects.push({ kind: "broadcast", message: g.message });
      return undefined;
    }
    const signed = o.kind === "sign-proposal" ? signProposal(this.o.chainId, signer, o.proposal) : signVote(this.o.chainId, signer, o.vote);
    // Durable before anyone can see it: after a crash the guard knows it was signed.
    this.o.wal.append({ kind: "signed", message: signed });
    this.o.wal.sync();
    this.guard.record(signed);
    effects.push({ kind: "broadcast", message: signed });
    return signed;
  }
}
