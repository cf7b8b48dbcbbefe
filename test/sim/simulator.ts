import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import {
  ConsensusCore,
  ConsensusDriver,
  type CoreOptions,
  ed25519Signer,
  encodeCommit,
  MemoryWal,
  ValidatorSet,
  valueKey,
  verifyCommit,
  verifyDuplicateVoteEvidence,
  type ConsensusSigner,
  type DriverEffect,
  type SignedMessage,
  type TimeoutConfig,
  type TimeoutStep,
  type Validator,
} from "../../runtime/consensus/index.ts";
import { EventQueue } from "./event-queue.ts";
import { Prng } from "./prng.ts";

/**
 * An in-process network of consensus drivers (core + WAL + signing) under a seeded PRNG:
 * loss, reordering, duplication, delay, partitions that heal, crash-restarts from a torn
 * WAL, and Twins (two instances sharing one validator's key, in different partitions).
 */
export interface Scenario {
  readonly seed: number;
  readonly powers: readonly bigint[];
  readonly bands: readonly number[];
  /** Heights every honest node must decide. */
  readonly heights: number;
  /** Loss probability before healAt; none after. */
  readonly loss: number;
  readonly dup: number;
  readonly minDelay: number;
  readonly maxDelay: number;
  /** Group of each instance until healAt (instances: one per validator, then the twin). */
  readonly groups?: readonly number[];
  readonly healAt: number;
  /** Validator index run by two instances (Byzantine). */
  readonly twin?: number;
  readonly crash?: { readonly instance: number; readonly at: number; readonly restartAt: number };
  readonly maxTime: number;
}

export interface SimResult {
  readonly ok: boolean;
  readonly failure?: string;
  readonly expectTermination: boolean;
  readonly terminated: boolean;
  readonly time: number;
  readonly events: number;
  readonly maxRound: number;
  readonly evidence: number;
}

/**
 * What a scenario generator other than generateScenario's may change (test/sim/twins.ts):
 * the network's decision on each message, the validator sets (for a leader schedule), the
 * core (a deliberately broken one, to show the checker catches it) and signature checks.
 */
export interface SimHooks {
  /**
   * Delay in ms for a message from instance `from` to `to`, or null to drop it. `catchup` is
   * true for block-sync-like resends of a decided height's proposal and commit.
   */
  readonly net?: (from: number, to: number, msg: SignedMessage, now: number, rng: Prng, catchup: boolean) => number | null;
  /** The validator set of each height (1..heights+1) that nodes and the checker use. */
  readonly sets?: readonly ValidatorSet[];
  /** The set a node's core is given at `height`, if not sets[height] (a broken quorum rule). */
  readonly coreSet?: (height: number, set: ValidatorSet) => ValidatorSet;
  /** TEST ONLY: a broken core for every instance (DriverOptions.createCore). */
  readonly createCore?: (o: CoreOptions) => ConsensusCore;
  /** Drivers check every received signature (default false: the network is in-process). */
  readonly verifySignatures?: boolean;
  /** Fail a run that should terminate but does not (default true). */
  readonly requireTermination?: boolean;
  /** Whether instance `id` re-gossips its own messages (default: every instance does). */
  readonly regossips?: (id: number) => boolean;
}

export const SIM_CHAIN_ID = "nexus-sim";
export const SIM_TIMEOUTS: TimeoutConfig = {
  propose: { baseMs: 40, deltaMs: 10 },
  prevote: { baseMs: 20, deltaMs: 10 },
  precommit: { baseMs: 20, deltaMs: 10 },
};
const GOSSIP_MS = 60;

export function generateScenario(seed: number): Scenario {
  const rng = new Prng(seed);
  const n = 4;
  const powers = Array.from({ length: n }, () => (rng.chance(0.7) ? 1n : BigInt(rng.int(1, 5))));
  const bandPattern = rng.int(0, 3);
  const bands = Array.from({ length: n }, (_, i) => (bandPattern === 0 ? i + 1 : bandPattern === 1 ? [1, 1, 2, 3][i]! : bandPattern === 2 ? 3 : rng.int(1, 7)));
  const total = powers.reduce((a, b) => a + b, 0n);
  // Twins make one validator Byzantine: safety holds only while it has < 1/3 of the power.
  const twinCandidates = powers.map((p, i) => (p * 3n < total ? i : -1)).filter((i) => i >= 0);
  const twin = rng.chance(0.3) && twinCandidates.length > 0 ? rng.pick(twinCandidates) : undefined;
  const instances = n + (twin === undefined ? 0 : 1);
  const healAt = rng.int(0, 400);
  let groups: number[] | undefined;
  if (twin !== undefined || rng.chance(0.5)) {
    groups = Array.from({ length: instances }, () => rng.int(0, 1));
    if (twin !== undefined) {
      // Twins in different partitions: that is what makes the validator equivocate.
      groups[twin] = 0;
      groups[n] = 1;
    }
  }
  const maxDelay = rng.int(2, 40);
  const crashInstance = rng.int(0, n - 1);
  const crash = rng.chance(0.3) && crashInstance !== twin ? { instance: crashInstance, at: rng.int(0, 300), restartAt: 0 } : undefined;
  const c = crash ? { ...crash, restartAt: crash.at + rng.int(1, 200) } : undefined;
  return {
    seed,
    powers,
    bands,
    heights: 3,
    loss: rng.chance(0.5) ? rng.float() * 0.3 : 0,
    dup: rng.float() * 0.1,
    minDelay: 1,
    maxDelay,
    groups,
    healAt,
    twin,
    crash: c,
    maxTime: healAt + 30_000,
  };
}

type Ev =
  | { k: "deliver"; to: number; from: number; msg: SignedMessage }
  | { k: "timeout"; node: number; epoch: number; h: number; r: number; step: TimeoutStep }
  | { k: "validated"; node: number; epoch: number; h: number; hash: Uint8Array; valid: boolean }
  | { k: "value"; node: number; epoch: number; h: number; r: number; hash: Uint8Array }
  | { k: "gossip"; node: number; epoch: number }
  | { k: "crash"; node: number }
  | { k: "restart"; node: number };

interface SimNode {
  readonly id: number;
  readonly validator: number;
  readonly byzantine: boolean;
  readonly signer: ConsensusSigner;
  readonly wal: MemoryWal;
  driver: ConsensusDriver | undefined;
  epoch: number;
  up: boolean;
  /** The node's block store: survives crashes. */
  readonly decided: Map<number, { hash: string; catchup: SignedMessage[] }>;
  readonly proposals: Map<string, SignedMessage>;
  readonly lastCatchup: Map<string, number>;
}

const keyCache = new Map<number, { secret: Uint8Array; publicKey: Uint8Array; address: string }>();
export function simKey(i: number): { secret: Uint8Array; publicKey: Uint8Array; address: string } {
  let k = keyCache.get(i);
  if (!k) {
    const secret = sha256(utf8(`nexus-sim-validator-${i}`));
    const { publicKey } = ed25519.generate(secret);
    k = { secret, publicKey, address: addressFor("ed25519", publicKey) };
    keyCache.set(i, k);
  }
  return k;
}

class Failure extends Error {}

export function simValidatorSets(powers: readonly bigint[], bands: readonly number[], heights: number): ValidatorSet[] {
  const validators: Validator[] = powers.map((power, i) => ({ address: simKey(i).address, publicKey: simKey(i).publicKey, power, band: bands[i]! }));
  const sets: ValidatorSet[] = [];
  sets[1] = ValidatorSet.create(validators);
  for (let h = 2; h <= heights + 1; h++) sets[h] = sets[h - 1]!.next();
  return sets;
}

export function runScenario(s: Scenario, hooks: SimHooks = {}): SimResult {
  const rng = new Prng(s.seed ^ 0x5eed);
  const n = s.powers.length;
  const sets: readonly ValidatorSet[] = hooks.sets ?? simValidatorSets(s.powers, s.bands, s.heights);
  const coreSets = sets.map((x, h) => (x && hooks.coreSet ? hooks.coreSet(h, x) : x));
  const set1 = sets[1]!;
  const twinAddress = s.twin === undefined ? undefined : simKey(s.twin).address;

  const nodes: SimNode[] = [];
  const mk = (id: number, validator: number): SimNode => ({
    id,
    validator,
    byzantine: validator === s.twin,
    signer: ed25519Signer(simKey(validator).address, simKey(validator).secret),
    wal: new MemoryWal(),
    driver: undefined,
    epoch: 0,
    up: true,
    decided: new Map(),
    proposals: new Map(),
    lastCatchup: new Map(),
  });
  for (let i = 0; i < n; i++) nodes.push(mk(i, i));
  if (s.twin !== undefined) nodes.push(mk(n, s.twin));
  const honest = nodes.filter((x) => !x.byzantine);

  let honestPower = 0n;
  const honestBands = new Set<number>();
  for (const x of honest) {
    const v = set1.get(simKey(x.validator).address)!;
    honestPower += v.power;
    honestBands.add(v.band);
  }
  const expectTermination = set1.hasQuorum(honestPower) && honestBands.size >= set1.requiredBands;

  const q = new EventQueue<Ev>();
  let now = 0;
  const registry = new Map<string, { height: number; round: number; proposer: string }>();
  const agreed = new Map<number, string>();
  const signedByHonest = new Map<string, string>();
  const verifiedCerts = new Set<string>();
  let evidence = 0;
  let maxRound = 0;
  const fail = (m: string): never => {
    throw new Failure(m);
  };

  const driverOpts = (x: SimNode): ConstructorParameters<typeof ConsensusDriver>[0] => ({
    chainId: SIM_CHAIN_ID,
    wal: x.wal,
    signer: x.signer,
    timeouts: SIM_TIMEOUTS,
    verifySignatures: hooks.verifySignatures ?? false,
    createCore: hooks.createCore,
  });

  const send = (from: number, to: number, msg: SignedMessage, catchup = false): void => {
    if (hooks.net) {
      const d = hooks.net(from, to, msg, now, rng, catchup);
      if (d === null) return;
      q.push(now + d, { k: "deliver", to, from, msg });
      const again = rng.chance(s.dup) ? hooks.net(from, to, msg, now, rng, catchup) : null;
      if (again !== null) q.push(now + again, { k: "deliver", to, from, msg });
      return;
    }
    if (now < s.healAt) {
      if (s.groups && s.groups[from] !== s.groups[to]) return;
      if (rng.chance(s.loss)) return;
    }
    q.push(now + rng.int(s.minDelay, s.maxDelay), { k: "deliver", to, from, msg });
    if (rng.chance(s.dup)) q.push(now + rng.int(s.minDelay, s.maxDelay), { k: "deliver", to, from, msg });
  };
  const broadcast = (x: SimNode, msg: SignedMessage): void => {
    for (const y of nodes) if (y.id !== x.id) send(x.id, y.id, msg);
  };

  const apply = (x: SimNode, effects: DriverEffect[]): void => {
    for (let i = 0; i < effects.length; i++) {
      const e = effects[i]!;
      switch (e.kind) {
        case "broadcast": {
          const m = e.message;
          if (m.kind === "proposal") x.proposals.set(`${m.proposal.height}/${m.proposal.round}/${toHex(m.proposal.blockHash)}`, m);
          if (!x.byzantine) {
            const [h, r, kind, v] = m.kind === "proposal" ? [m.proposal.height, m.proposal.round, "proposal", valueKey(m.proposal.blockHash)] : [m.vote.height, m.vote.round, m.vote.type, valueKey(m.vote.blockHash)];
            const slot = `${x.validator}/${h}/${r}/${kind}`;
            const prev = signedByHonest.get(slot);
            if (prev !== undefined && prev !== v) fail(`honest validator ${x.validator} signed conflicting ${kind}s at ${h}/${r}: ${prev} and ${v}`);
            signedByHonest.set(slot, v);
          }
          broadcast(x, m);
          break;
        }
        case "schedule-timeout":
          q.push(now + e.durationMs, { k: "timeout", node: x.id, epoch: x.epoch, h: e.height, r: e.round, step: e.step });
          break;
        case "validate": {
          const reg = registry.get(toHex(e.blockHash));
          q.push(now + rng.int(1, 10), { k: "validated", node: x.id, epoch: x.epoch, h: e.height, hash: e.blockHash, valid: reg !== undefined && reg.height === e.height });
          break;
        }
        case "get-value": {
          const hash = sha256(utf8(`${s.seed}/${e.height}/${e.round}/${x.id}`));
          registry.set(toHex(hash), { height: e.height, round: e.round, proposer: x.signer.address });
          q.push(now + rng.int(1, 3), { k: "value", node: x.id, epoch: x.epoch, h: e.height, r: e.round, hash });
          break;
        }
        case "decide": {
          const hex = toHex(e.blockHash);
          const h = e.height;
          if (!x.byzantine) {
            const prev = agreed.get(h);
            if (prev !== undefined && prev !== hex) fail(`agreement: height ${h} decided ${prev} and ${hex}`);
            agreed.set(h, hex);
            const reg = registry.get(hex);
            if (!reg || reg.height !== h || sets[h]!.proposerForRound(reg.round).address !== reg.proposer) fail(`validity: ${hex} at height ${h} was not proposed by its round's proposer`);
          }
          const ck = toHex(encodeCommit(e.certificate));
          if (!verifiedCerts.has(ck)) {
            const v = verifyCommit(SIM_CHAIN_ID, sets[h]!, h, e.blockHash, e.certificate);
            if (!v.ok) fail(`certificate at height ${h} does not verify: ${v.reason}`);
            verifiedCerts.add(ck);
          }
          maxRound = Math.max(maxRound, e.round);
          const proposal = x.proposals.get(`${h}/${e.round}/${hex}`);
          if (!proposal) fail(`node ${x.id} decided without a stored proposal`);
          const precommits: SignedMessage[] = e.certificate.signatures.map((sg) => ({
            kind: "vote",
            vote: { type: "precommit", height: h, round: e.round, blockHash: e.blockHash, validator: sg.validator },
            signature: sg.signature,
          }));
          x.decided.set(h, { hash: hex, catchup: [proposal!, ...precommits] });
          if (h < s.heights) effects.push(...x.driver!.startHeight(h + 1, coreSets[h + 1]!));
          break;
        }
        case "evidence": {
          const v = verifyDuplicateVoteEvidence(SIM_CHAIN_ID, sets[e.evidence.voteA.vote.height]!, e.evidence);
          if (!v.ok) fail(`evidence does not verify: ${v.reason}`);
          if (e.evidence.voteA.vote.validator !== twinAddress) fail(`evidence against honest validator ${e.evidence.voteA.vote.validator}`);
          evidence++;
          break;
        }
        case "rejected":
          fail(`message rejected: ${e.reason}`);
          break;
        case "sign-refused":
          if (!x.byzantine) fail(`node ${x.id} refused to sign: ${e.reason}`);
          break;
      }
    }
  };

  const startNode = (x: SimNode): void => {
    const height = x.decided.size + 1;
    if (height <= s.heights) {
      const { driver, effects } = ConsensusDriver.recover(driverOpts(x), height, coreSets[height]!);
      x.driver = driver;
      apply(x, effects);
    }
    q.push(now + rng.int(1, GOSSIP_MS), { k: "gossip", node: x.id, epoch: x.epoch });
  };

  let events = 0;
  const done = (): boolean => honest.every((x) => x.decided.size >= s.heights);
  try {
    for (const x of nodes) startNode(x);
    if (s.crash) {
      q.push(s.crash.at, { k: "crash", node: s.crash.instance });
      q.push(s.crash.restartAt, { k: "restart", node: s.crash.instance });
    }
    for (let item = q.pop(); item && !done(); item = q.pop()) {
      now = item.t;
      if (now > s.maxTime) break;
      events++;
      const ev = item.ev;
      switch (ev.k) {
        case "deliver": {
          const x = nodes[ev.to]!;
          if (!x.up) break;
          const m = ev.msg;
          if (m.kind === "proposal") x.proposals.set(`${m.proposal.height}/${m.proposal.round}/${toHex(m.proposal.blockHash)}`, m);
          const mh = m.kind === "proposal" ? m.proposal.height : m.vote.height;
          const cur = x.driver?.core.height ?? s.heights + 1;
          const behind = mh < cur || (mh === cur && x.driver!.core.isDecided);
          const d = x.decided.get(mh);
          if (behind && d) {
            // Catch-up, as block sync would: the decided proposal and its commit.
            const key = `${ev.from}/${mh}`;
            if ((x.lastCatchup.get(key) ?? -Infinity) + GOSSIP_MS <= now) {
              x.lastCatchup.set(key, now);
              for (const c of d.catchup) send(x.id, ev.from, c, true);
            }
          }
          if (x.driver) apply(x, x.driver.receive(m));
          break;
        }
        case "timeout": {
          const x = nodes[ev.node]!;
          if (x.up && x.epoch === ev.epoch && x.driver) apply(x, x.driver.timeout(ev.h, ev.r, ev.step));
          break;
        }
        case "validated": {
          const x = nodes[ev.node]!;
          if (x.up && x.epoch === ev.epoch && x.driver) apply(x, x.driver.validated(ev.h, ev.hash, ev.valid));
          break;
        }
        case "value": {
          const x = nodes[ev.node]!;
          if (x.up && x.epoch === ev.epoch && x.driver) apply(x, x.driver.value(ev.h, ev.r, ev.hash));
          break;
        }
        case "gossip": {
          const x = nodes[ev.node]!;
          if (!x.up || x.epoch !== ev.epoch) break;
          if (x.driver && (hooks.regossips?.(x.id) ?? true)) for (const m of x.driver.ownMessages()) broadcast(x, m);
          q.push(now + GOSSIP_MS, { k: "gossip", node: x.id, epoch: x.epoch });
          break;
        }
        case "crash": {
          const x = nodes[ev.node]!;
          x.up = false;
          x.epoch++;
          x.driver = undefined;
          // Whatever was not fsynced may be partly on disk: cut at a random offset past the synced part.
          x.wal.crash(rng.int(x.wal.durableLength, x.wal.bytes().length));
          break;
        }
        case "restart": {
          const x = nodes[ev.node]!;
          x.up = true;
          x.epoch++;
          startNode(x);
          break;
        }
      }
    }
  } catch (e) {
    if (e instanceof Failure) return { ok: false, failure: e.message, expectTermination, terminated: false, time: now, events, maxRound, evidence };
    return { ok: false, failure: `exception: ${(e as Error).stack ?? String(e)}`, expectTermination, terminated: false, time: now, events, maxRound, evidence };
  }
  const terminated = done();
  if (expectTermination && !terminated && (hooks.requireTermination ?? true)) {
    const where = honest.map((x) => `${x.id}:h${x.driver?.core.height ?? "-"}/${JSON.stringify(x.driver?.core.snapshot() ?? {})}`).join(" ");
    return { ok: false, failure: `no termination by t=${now} (${where})`, expectTermination, terminated, time: now, events, maxRound, evidence };
  }
  return { ok: true, expectTermination, terminated, time: now, events, maxRound, evidence };
}

export function describeScenario(s: Scenario): string {
  return JSON.stringify(s, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}
