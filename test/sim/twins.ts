import { messageRound, type SignedMessage, type ValidatorSet } from "../../runtime/consensus/index.ts";
import { Prng } from "./prng.ts";
import { runScenario, simKey, simValidatorSets, type Scenario, type SimHooks, type SimResult } from "./simulator.ts";

/**
 * Twins (Bano, Sonnino, Chursin, Perelman, Li, Ching, Malkhi: "Twins: BFT Systems Made
 * Robust", OPODIS 2021) for PoSPECTRUM. The Byzantine validator runs as two instances with
 * one key. A scenario is built round by round: for each of the first TWINS_ROUNDS rounds of
 * every height, a leader and a partition of all five instances (twins included) from an
 * enumeration, the loss and delay of that round's messages (which go on after the heal), and
 * what each twin does in it: act normally, withhold its messages until the heal, or send them
 * late. Twins in different parts send different proposals and votes to different parts.
 *
 * Network model:
 * - A message of round r < TWINS_ROUNDS crosses the parts of round r's partition only after
 *   healAt; later rounds are led by the set's own proposer over a synchronous network.
 * - Honest instances re-gossip what they signed (the network layer's duty, docs/consensus.md).
 *   A twin sends each message once and each copy is lost with the round's twinDrop: so two
 *   connected honest nodes can hold different sets of Byzantine votes, which is what a lock
 *   rule exists for.
 * - Block sync (the catch-up of a decided height) runs over the same network: partitioned
 *   until the heal.
 * - Every driver verifies every signature (the twins sign with the real key).
 *
 * Rounds are drawn with weights, not uniformly: half are led by the Byzantine validator, and
 * most are fully connected (partitions of honest nodes stop progress in that round, so a
 * uniform draw spends most of the budget on rounds where nothing happens). The checker is the
 * simulator's: agreement at every height, validity (the value was created by its round's
 * leader), every certificate verifies, evidence accuses only the twin, no honest validator
 * signs two values in one slot. Termination is counted, not required: a twin that never
 * repeats a lost vote can leave honest nodes unable to justify a re-proposal (see the report
 * in docs/consensus.md).
 */

export const TWINS_VALIDATORS = 4;
/** Instances: the four validators, then the twin of the Byzantine one. */
export const TWINS_INSTANCES = TWINS_VALIDATORS + 1;
/** Rounds of each height whose leader and partition the scenario chooses. */
export const TWINS_ROUNDS = 4;
export const TWINS_HEIGHTS = 4;

export type TwinAct = "normal" | "withhold" | "delay";
const ACTS: readonly TwinAct[] = ["normal", "normal", "withhold", "delay"];
const LOSS: readonly number[] = [0, 0, 0.2];
const MAX_DELAY: readonly number[] = [8, 40];
const TWIN_DROP: readonly number[] = [0.5];
/** Power vectors (the Byzantine validator always holds less than a third). */
const POWERS: readonly (readonly bigint[])[] = [[1n, 1n, 1n, 1n], [1n, 1n, 1n, 1n], [1n, 1n, 1n, 1n], [1n, 2n, 1n, 1n]];

/** Every partition of `instances` into at most `maxParts` parts, as part numbers in canonical form. */
export function enumeratePartitions(instances: number, maxParts: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (i: number, used: number): void => {
    if (i === instances) {
      out.push([...cur]);
      return;
    }
    for (let p = 0; p <= Math.min(used, maxParts - 1); p++) {
      cur.push(p);
      rec(i + 1, Math.max(used, p + 1));
      cur.pop();
    }
  };
  rec(0, 0);
  return out;
}
/** Two-part partitions of the five instances (16, the first fully connected). */
export const PARTITIONS = enumeratePartitions(TWINS_INSTANCES, 2);

export interface TwinsRound {
  /** Validator leading this round (at every height). */
  readonly leader: number;
  /** Index into PARTITIONS; parts spells it out (part of each instance). */
  readonly partition: number;
  readonly parts: readonly number[];
  readonly loss: number;
  readonly maxDelay: number;
  /** Each copy of a twin's message of this round is lost with this probability, for good. */
  readonly twinDrop: number;
  /** Behaviour of the Byzantine validator's own instance, then of its twin. */
  readonly acts: readonly [TwinAct, TwinAct];
  /**
   * Set by a strategy (LOCK_SPLIT): whom each twin instance sends each kind of message of
   * this round to (instance numbers); replaces acts, parts, loss and drop for the twins.
   */
  readonly routes?: readonly [TwinRoutes, TwinRoutes];
}

export type MessageKind = "proposal" | "prevote" | "precommit";
export type TwinRoutes = Readonly<Record<MessageKind, readonly number[]>>;

/** The enumeration one round is drawn from: leader × partition × twin acts × loss × delay × twin drop. */
export const ROUND_CHOICES = TWINS_VALIDATORS * PARTITIONS.length * ACTS.length ** 2 * LOSS.length * MAX_DELAY.length * TWIN_DROP.length;

export function roundChoice(index: number): TwinsRound {
  let i = index;
  const take = (k: number): number => {
    const v = i % k;
    i = Math.floor(i / k);
    return v;
  };
  const leader = take(TWINS_VALIDATORS);
  const partition = take(PARTITIONS.length);
  const a0 = ACTS[take(ACTS.length)]!;
  const a1 = ACTS[take(ACTS.length)]!;
  const loss = LOSS[take(LOSS.length)]!;
  const maxDelay = MAX_DELAY[take(MAX_DELAY.length)]!;
  const twinDrop = TWIN_DROP[take(TWIN_DROP.length)]!;
  return { leader, partition, parts: PARTITIONS[partition]!, loss, maxDelay, twinDrop, acts: [a0, a1] };
}

export interface TwinsScenario extends Scenario {
  readonly twin: number;
  readonly rounds: readonly TwinsRound[];
  /** The Byzantine strategy overlaid on the drawn rounds, if any. */
  readonly strategy?: { readonly name: "lock-split"; readonly from: number; readonly roles: readonly number[] };
}

/** Share of scenarios whose Byzantine validator plays the lock split (below). */
export const LOCK_SPLIT_SHARE = 0.1;

/**
 * The lock split, a known attack shape on Tendermint's locking (the schedule the proof of
 * Algorithm 1's agreement rules out), played by the twins with honest-code instances only:
 * they just choose whom to tell what. Roles: honest A, B, C; twin instances X and Y; rounds
 * r, r+1, r+2.
 *   r   (X leads)  X's proposal v reaches B and C, X's prevote for v reaches A and C: only C
 *                  sees a polka with the proposal and locks v; A holds the polka's votes.
 *   r+1 (B leads)  B proposes w; A and B prevote it, C (locked) does not; Y's prevote for w
 *                  reaches A and B, which lock w; Y's precommit reaches B alone: B decides w.
 *   r+2 (C leads)  C re-proposes v with polRound r. A is locked on w at r+1 > r, so line 28
 *                  forbids its prevote; C and X prevote and precommit v to A and C.
 * A correct core stays safe; one that lets A prevote (line 28 ignored) decides v beside w.
 * Random rounds alone did not produce this in 5 000 seeds (each step needs a different
 * audience per message kind), so a share of scenarios plays it, with roles, rounds, powers,
 * bands, delays and loss drawn like any other.
 */
function lockSplit(rng: Prng, twin: number, rounds: TwinsRound[]): TwinsScenario["strategy"] {
  const honest = Array.from({ length: TWINS_VALIDATORS }, (_, i) => i).filter((i) => i !== twin);
  const [a, b, c] = rng.shuffle(honest) as [number, number, number];
  const [x, y] = rng.chance(0.5) ? [0, 1] : [1, 0];
  const from = rng.int(0, TWINS_ROUNDS - 3);
  const none: TwinRoutes = { proposal: [], prevote: [], precommit: [] };
  const route = (who: number, r: TwinRoutes): [TwinRoutes, TwinRoutes] => (who === 0 ? [r, none] : [none, r]);
  const plan: [number, [TwinRoutes, TwinRoutes]][] = [
    [twin, route(x, { proposal: [b, c], prevote: [a, c], precommit: [] })],
    [b, route(y, { proposal: [], prevote: [a, b], precommit: [b] })],
    [c, route(x, { proposal: [a, c], prevote: [a, c], precommit: [a, c] })],
  ];
  plan.forEach(([leader, routes], i) => {
    rounds[from + i] = { ...rounds[from + i]!, leader, partition: 0, parts: PARTITIONS[0]!, routes };
  });
  return { name: "lock-split", from, roles: [a, b, c, x, y] };
}

/** Scenario `seed`: each round's choice drawn from the enumeration (weighted as above). */
export function generateTwinsScenario(seed: number): TwinsScenario {
  const rng = new Prng(seed * 7919 + 17);
  const powers = rng.pick(POWERS);
  const bands = rng.pick([[1, 1, 1, 1], [1, 2, 1, 2], [1, 2, 2, 1]]);
  // Any validator with less than a third of the power may be the Byzantine one.
  const total = powers.reduce((a, b) => a + b, 0n);
  const twin = rng.pick(powers.map((p, i) => (p * 3n < total ? i : -1)).filter((i) => i >= 0));
  const rounds = Array.from({ length: TWINS_ROUNDS }, () => {
    let c = roundChoice(rng.int(0, ROUND_CHOICES - 1));
    if (rng.chance(0.5)) c = { ...c, leader: twin };
    if (rng.chance(0.8)) c = { ...c, partition: 0, parts: PARTITIONS[0]! };
    return c;
  });
  const strategy = rng.chance(LOCK_SPLIT_SHARE) ? lockSplit(rng, twin, rounds) : undefined;
  const healAt = rng.pick([300, 800, 1500]);
  return {
    seed,
    powers,
    bands,
    heights: TWINS_HEIGHTS,
    loss: 0,
    dup: rng.float() * 0.05,
    minDelay: 1,
    maxDelay: 10,
    healAt,
    twin,
    // Safety is what is checked; a run that has not decided 1.2 s after the heal stops there.
    maxTime: healAt + 1200,
    rounds,
    strategy,
  };
}

/** The scenario's leader schedule on top of a validator set: rounds < TWINS_ROUNDS led by choice. */
function withLeaders(set: ValidatorSet, rounds: readonly TwinsRound[], addresses: readonly string[]): ValidatorSet {
  const led = Object.create(set) as ValidatorSet;
  const byAddress = new Map(set.validators.map((v) => [v.address, v]));
  led.proposerForRound = (r: number) => (r < rounds.length ? byAddress.get(addresses[rounds[r]!.leader]!)! : set.proposerForRound(r));
  return led;
}

/** What a test may inject: a broken core (SimHooks.createCore) or a broken quorum rule (coreSet). */
export type Injection = Pick<SimHooks, "createCore" | "coreSet">;

export function twinsHooks(s: TwinsScenario, inject: Injection = {}): SimHooks {
  // Validator i (and instance i) is simKey(i), whatever its place in the address-sorted set.
  const addresses = s.powers.map((_, i) => simKey(i).address);
  const sets = simValidatorSets(s.powers, s.bands, s.heights).map((x) => (x ? withLeaders(x, s.rounds, addresses) : x));
  const byzantine = (instance: number): 0 | 1 | -1 => (instance === s.twin ? 0 : instance === TWINS_VALIDATORS ? 1 : -1);
  return {
    sets,
    verifySignatures: true,
    requireTermination: false,
    ...inject,
    regossips: (id: number) => byzantine(id) < 0,
    net(from: number, to: number, msg: SignedMessage, now: number, rng: Prng, catchup: boolean): number | null {
      if (catchup) return now < s.healAt ? null : rng.int(1, 20);
      const round = s.rounds[messageRound(msg)];
      if (!round) return rng.int(1, 10); // after the scripted rounds: synchronous
      if (now < s.healAt && round.parts[from] !== round.parts[to]) return null;
      let extra = 0;
      const b = byzantine(from);
      const routes = b === -1 ? undefined : round.routes?.[b];
      if (routes) return routes[msg.kind === "proposal" ? "proposal" : msg.vote.type].includes(to) ? rng.int(1, round.maxDelay) : null;
      if (b !== -1) {
        const act = round.acts[b];
        if (act === "withhold" && now < s.healAt) return null;
        if (act === "delay") extra = rng.int(100, 400);
        if (rng.chance(round.twinDrop)) return null;
      }
      if (rng.chance(round.loss)) return null; // this round's loss goes on after the heal
      return rng.int(1, round.maxDelay) + extra;
    },
  };
}

export function runTwinsScenario(s: TwinsScenario, inject: Injection = {}): SimResult {
  return runScenario(s, twinsHooks(s, inject));
}

export function describeTwinsScenario(s: TwinsScenario): string {
  const rounds = s.rounds
    .map((r, i) => `r${i}: leader v${r.leader}, parts ${r.parts.join("")}, ${r.routes ? `twin routes ${JSON.stringify(r.routes)}` : `acts ${r.acts.join("/")}, twin drop ${r.twinDrop}`}, loss ${r.loss}, delay ≤${r.maxDelay}`)
    .join("; ");
  const strategy = s.strategy ? `, ${s.strategy.name} from r${s.strategy.from} (roles ${s.strategy.roles.join(",")})` : "";
  return `seed ${s.seed}: powers ${s.powers.join(",")}, twin v${s.twin}, bands ${s.bands.join(",")}, heal at ${s.healAt} ms${strategy}; ${rounds}`;
}
