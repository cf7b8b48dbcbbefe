import type { BlockProducer, ConsensusPorts } from "../consensus/ports.ts";
import type { NexusNode } from "./node.ts";

/**
 * What the composition root gives NexusNode to produce blocks with (NodeOptions.producer):
 * `singleProducer()` for a dev chain, `bftProducer(...)` (runtime/consensus) for a validator
 * network. The node builds its ports and hands them over when it starts.
 */
export type ProducerFactory = (ports: ConsensusPorts, node: NexusNode) => BlockProducer;

/** One validator alone: a block from the mempool every `blockTimeMs` (node config), committed at once. */
export function singleProducer(): ProducerFactory {
  return (_ports, node) => new SingleProducer(node);
}

class SingleProducer implements BlockProducer {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private producing: Promise<unknown> = Promise.resolve();

  constructor(private readonly node: NexusNode) {}

  async start(): Promise<void> {
    this.running = true;
    const interval = this.node.blockTimeMs;
    const tick = (): void => {
      if (!this.running) return;
      const started = Date.now();
      this.producing = this.node
        .produceBlock()
        // An unexpected error while executing a block would make this node diverge: halt.
        .catch((e: Error) => this.node.halt(`block production failed: ${e.message}`))
        .finally(() => {
          if (this.running) this.timer = setTimeout(tick, Math.max(0, interval - (Date.now() - started)));
        });
    };
    this.timer = setTimeout(tick, interval);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.producing;
  }
}
