import { join } from "node:path";
import { bftProducer, type EngineOptions } from "../consensus/engine/engine.ts";
import type { NodeConfig } from "./config.ts";
import type { ProducerFactory } from "./producer.ts";

/** What a BFT validator (or follower) brings besides its node config: EngineOptions minus what the config gives. */
export type BftProducerOptions = Omit<EngineOptions, "wal" | "blockIntervalMs" | "maxProposalTxs"> & {
  /** Default <dataDir>/consensus.wal. */
  readonly wal?: EngineOptions["wal"];
};

/** The BFT engine as NodeOptions.producer, with timeouts, block interval and proposal size from config.bft. */
export function bftProducerFromConfig(config: NodeConfig, dataDir: string, o: BftProducerOptions): ProducerFactory {
  const c = config.bft;
  const vote = { baseMs: c.timeoutVoteMs, deltaMs: c.timeoutDeltaMs };
  return bftProducer({
    ...o,
    wal: o.wal ?? join(dataDir, "consensus.wal"),
    timeouts: o.timeouts ?? { propose: { baseMs: c.timeoutProposeMs, deltaMs: c.timeoutDeltaMs }, prevote: vote, precommit: vote },
    blockIntervalMs: config.blockTimeMs,
    maxProposalTxs: c.maxProposalTxs,
  });
}
