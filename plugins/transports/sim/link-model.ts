import type { Topic } from "../../../runtime/p2p/transport.ts";

/** What travels over a simulated link: a gossip message on a topic, a sync block, a tx-fetch round trip, or one leg of a snapshot request (offers or a part). */
export type LinkTraffic = Topic | "sync" | "txfetch" | "snapshot";

/** A link's fate for one message: lost, or delivered after delayMs (0: on the next turn of the event loop). */
export type LinkDecision = { readonly drop: true } | { readonly drop?: false; readonly delayMs: number };

/**
 * How the simulated network treats each message from one node to another. The hub asks once
 * per message and receiving node, so a model can give every link its own latency, jitter and
 * loss (a mesh simulator's job); messages delayed differently may arrive out of order, as on a
 * real network. A model should be deterministic given its own seed for reproducible runs.
 */
export interface LinkModel {
  decide(from: string, to: string, traffic: LinkTraffic, bytes: number): LinkDecision;
}

/** Every message arrives, on the next turn of the event loop (the default). */
export const perfectLink: LinkModel = { decide: () => ({ delayMs: 0 }) };
