import type { Logger } from "pino";
import { getAddress, hexToBytes, type Address, type PublicClient } from "viem";
import { encodeAddress } from "../../runtime/crypto/address.ts";
import type { ObservedTransfer, SourceWatcher } from "../core/types.ts";
import { NEXUS_BRIDGE_ABI } from "./abi.ts";
import type { CheckedBridge } from "./client.ts";
import { EvmBridgeError, mapBridgeError } from "./errors.ts";

export interface EvmSourceWatcherOptions {
  /** The chain's name in NexusOS's bridge module. */
  readonly chain: string;
  readonly client: PublicClient;
  /** Resolves the bridge (and its WNXT) once the chain was checked (client.ts checkBridge). */
  readonly bridge: () => Promise<CheckedBridge>;
  /** Blocks that must follow a block before it is read (finalHeight = latest − confirmations). */
  readonly confirmations: number;
  /** Largest block range of one eth_getLogs call. */
  readonly maxBlockRange: number;
  readonly logger: Logger;
}

/**
 * Reads NexusBridge's BridgedOut events of WNXT on an EVM chain (EVM → NexusOS transfers).
 * Reorg safety is by depth: only heights at least `confirmations` below the head are read,
 * and `transfers` refuses a range above the final height. A reorg deeper than that is outside
 * what confirmations protect (choose them per chain: docs/bridges.md "EVM").
 */
export class EvmSourceWatcher implements SourceWatcher {
  readonly chain: string;
  readonly #o: EvmSourceWatcherOptions;

  constructor(options: EvmSourceWatcherOptions) {
    if (!Number.isSafeInteger(options.confirmations) || options.confirmations < 0) throw new RangeError(`confirmations must be a non-negative integer`);
    if (!Number.isSafeInteger(options.maxBlockRange) || options.maxBlockRange < 1) throw new RangeError(`maxBlockRange must be a positive integer`);
    this.chain = options.chain;
    this.#o = options;
  }

  async finalHeight(): Promise<bigint> {
    await this.#o.bridge();
    let latest: bigint;
    try {
      latest = await this.#o.client.getBlockNumber({ cacheTime: 0 });
    } catch (e) {
      throw mapBridgeError(e, `${this.chain}: eth_blockNumber`);
    }
    const f = latest - BigInt(this.#o.confirmations);
    return f > 0n ? f : 0n;
  }

  async transfers(fromHeight: bigint, toHeight: bigint): Promise<ObservedTransfer[]> {
    const { bridgeAddress, wnxtAddress } = await this.#o.bridge();
    if (toHeight <= fromHeight) return [];
    const final = await this.finalHeight();
    if (toHeight > final) {
      throw new EvmBridgeError("EVM_NOT_FINAL", `${this.chain}: heights up to ${toHeight} asked, but only ${final} is final (${this.#o.confirmations} confirmations)`, true, {
        finalHeight: final.toString(),
      });
    }
    const out: ObservedTransfer[] = [];
    let range = BigInt(this.#o.maxBlockRange);
    for (let start = fromHeight + 1n; start <= toHeight; ) {
      const end = start + range - 1n < toHeight ? start + range - 1n : toHeight;
      let logs;
      try {
        logs = await this.#o.client.getContractEvents({
          address: bridgeAddress,
          abi: NEXUS_BRIDGE_ABI,
          eventName: "BridgedOut",
          fromBlock: start,
          toBlock: end,
          strict: true,
        });
      } catch (e) {
        // Providers cap eth_getLogs by range or result size: halve the range and try again.
        if (end > start && isRangeError(e)) {
          range = (end - start + 1n) / 2n;
          this.#o.logger.debug({ chain: this.chain, from: start.toString(), range: range.toString() }, "eth_getLogs range refused; halving");
          continue;
        }
        throw mapBridgeError(e, `${this.chain}: eth_getLogs ${start}..${end}`);
      }
      for (const log of logs) {
        if (log.removed) continue;
        const t = this.#toTransfer(log, wnxtAddress);
        if (t !== undefined) out.push(t);
      }
      start = end + 1n;
    }
    out.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    return out;
  }

  #toTransfer(
    log: { args: { nonce: bigint; token: Address; sender: Address; nexusRecipient: `0x${string}`; amount: bigint }; transactionHash: `0x${string}` | null; blockNumber: bigint | null },
    wnxt: Address,
  ): ObservedTransfer | undefined {
    const { nonce, token, sender, nexusRecipient, amount } = log.args;
    if (getAddress(token) !== wnxt) {
      this.#o.logger.info({ chain: this.chain, seq: nonce.toString(), token, tx: log.transactionHash }, "BridgedOut of a token other than WNXT: ignored");
      return undefined;
    }
    if (log.transactionHash === null || log.blockNumber === null) return undefined; // pending logs never reach final heights
    return {
      sourceChain: this.chain,
      seq: nonce,
      sender: sender.toLowerCase(),
      recipient: encodeAddress(hexToBytes(nexusRecipient)),
      amount,
      sourceTx: log.transactionHash.toLowerCase(),
      height: log.blockNumber,
    };
  }
}

function isRangeError(e: unknown): boolean {
  const text = `${(e as Error)?.message ?? ""} ${(e as { details?: string })?.details ?? ""}`;
  return /block range|range (is )?too (large|wide)|exceed|too many (results|logs|blocks)|limit/i.test(text);
}
