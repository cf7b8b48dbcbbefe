import type { Logger } from "pino";
import { BaseError, ContractFunctionZeroDataError, decodeFunctionData, hashTypedData, type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from "viem";
import type { DestinationSignature, DestinationStatus, DestinationSubmitter, OutboundTransfer } from "../core/types.ts";
import { BHLS_DISTRIBUTOR_ABI, BRIDGE_CALL_ABI, bridgeDomain, NEXUS_BRIDGE_ABI, OUTBOUND_TYPES } from "./abi.ts";
import type { CheckedBridge } from "./client.ts";
import { decodedRevert, EvmBridgeError, mapBridgeError } from "./errors.ts";
import { packSignatures } from "./signatures.ts";
import { outboundCall, type OutboundCall } from "./transfer.ts";

export interface EvmDestinationSubmitterOptions {
  readonly chain: string;
  readonly client: PublicClient;
  /**
   * The relayer's wallet: a local account (private key from config) on the configured chain.
   * Absent: status() only (a watcher checks results without a relayer key); submit() refuses.
   */
  readonly wallet?: WalletClient<Transport, Chain, Account>;
  readonly bridge: () => Promise<CheckedBridge>;
  /** status() reads the bridge at latest − confirmations, so a reorg cannot flip an answer. */
  readonly confirmations: number;
  readonly maxBlockRange: number;
  readonly logger: Logger;
  /** Gas limit = estimate × this / 100 (default 120). */
  readonly gasMultiplierPercent?: number;
  /** How long to wait for a receipt before reporting a retryable error (default 120 s). */
  readonly receiptTimeoutMs?: number;
  /** How far back to look for the Minted event of a transfer someone else executed (default 10 000 blocks). */
  readonly mintLookbackBlocks?: number;
  /**
   * Wait for each transaction's receipt before the next submission (default false): one
   * transfer per block at best. Without it, submit() returns once the transaction is broadcast
   * (the DestinationSubmitter contract: the relayer polls status() and resubmits a transfer still
   * pending after resubmitAfterMs, and a retry first waits for the transaction in flight), so a
   * relayer sends a batch of ready transfers back to back, nonces in order, into one block.
   */
  readonly awaitReceipts?: boolean;
}

export interface EvmSubmitResult {
  /** The transaction that executed the transfer ("" when another relayer did and its Minted event was not found in the look-back window). */
  txHash: string;
  /** True when the transfer had already been executed (by another relayer, or by an earlier attempt of ours). */
  alreadyProcessed: boolean;
  /** Signers whose signatures were sent. */
  signers: readonly string[];
}

/**
 * Executes NexusOS → EVM outbound records: NexusBridge.mint for transfers, deliverBhls and
 * updateEpoch for cross-chain BHLS, with the validators' signatures, from the relayer's account. Idempotent: a transfer already processed (raced by another relayer, or our
 * own earlier attempt) resolves as done; reverts become EvmBridgeErrors whose `code` and
 * `retryable` tell the core whether to try again (errors.ts).
 */
export class EvmDestinationSubmitter implements DestinationSubmitter {
  readonly chain: string;
  readonly #o: EvmDestinationSubmitterOptions;
  /** One transaction at a time from this account (nonces). */
  #queue: Promise<unknown> = Promise.resolve();
  /** Our transactions not yet seen mined, by transferId: a retry waits for them instead of sending again. */
  readonly #inflight = new Map<string, Hex>();

  constructor(options: EvmDestinationSubmitterOptions) {
    this.chain = options.chain;
    this.#o = options;
  }

  /** The relayer's address (it pays the gas); a status-only submitter has none (throws). */
  get address(): Address {
    if (!this.#o.wallet) throw new EvmBridgeError("EVM_CONFIG_INVALID", `${this.chain}: status-only submitter (no relayerKey): no relayer address`, false);
    return this.#o.wallet.account.address;
  }

  /** done / expired / pending at the final block (latest − confirmations). */
  async status(t: OutboundTransfer): Promise<DestinationStatus> {
    const call = outboundCall(this.chain, t);
    const { bridgeAddress } = await this.#o.bridge();
    const { client } = this.#o;
    try {
      const latest = await client.getBlockNumber({ cacheTime: 0 });
      const depth = BigInt(this.#o.confirmations);
      const blockNumber = latest > depth ? latest - depth : 0n;
      if (call.kind === "epoch") return (await this.#openEpoch(blockNumber)) >= call.epoch! ? "done" : "pending";
      if (await client.readContract({ address: bridgeAddress, abi: NEXUS_BRIDGE_ABI, functionName: "processed", args: [call.transferId!], blockNumber })) return "done";
      if (await client.readContract({ address: bridgeAddress, abi: NEXUS_BRIDGE_ABI, functionName: "isExpired", args: [call.transferId!, call.expiresAt!], blockNumber })) return "expired";
      return "pending";
    } catch (e) {
      // The final block predates the bridge (just deployed): nothing is final there yet.
      if (e instanceof BaseError && e.walk((x) => x instanceof ContractFunctionZeroDataError) !== null) {
        const latest = await client.getBlockNumber({ cacheTime: 0 }).catch(() => undefined);
        const depth = BigInt(this.#o.confirmations);
        if (latest !== undefined) {
          const code = await client.getCode({ address: bridgeAddress, blockNumber: latest > depth ? latest - depth : 0n }).catch(() => "?");
          if (code === undefined || code === "0x") return "pending";
        }
      }
      throw mapBridgeError(e, `${this.chain} #${t.seq}: status`);
    }
  }

  #distributor: Address | undefined;

  /** The epoch the bridge's BHLSDistributor has open (0 before the first update). */
  async #openEpoch(blockNumber?: bigint): Promise<bigint> {
    const { client } = this.#o;
    if (this.#distributor === undefined) {
      const { bridgeAddress } = await this.#o.bridge();
      this.#distributor = await client.readContract({ address: bridgeAddress, abi: NEXUS_BRIDGE_ABI, functionName: "bhlsDistributor" });
    }
    const [epoch, , , open] = await client.readContract({ address: this.#distributor, abi: BHLS_DISTRIBUTOR_ABI, functionName: "epochState", ...(blockNumber !== undefined ? { blockNumber } : {}) });
    return open ? epoch : 0n;
  }

  /** Carried out already, at the latest block: processed(transferId), or the epoch (or a later one) open. */
  async #isDone(call: OutboundCall): Promise<boolean> {
    if (call.kind === "epoch") return (await this.#openEpoch()) >= call.epoch!;
    const { bridgeAddress } = await this.#o.bridge();
    return await this.#o.client.readContract({ address: bridgeAddress, abi: NEXUS_BRIDGE_ABI, functionName: "processed", args: [call.transferId!] });
  }

  async submit(t: OutboundTransfer, signatures: readonly DestinationSignature[]): Promise<EvmSubmitResult> {
    const call = outboundCall(this.chain, t);
    const run = this.#queue.then(
      () => this.#submit(t, call, signatures),
      () => this.#submit(t, call, signatures),
    );
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #submit(t: OutboundTransfer, call: OutboundCall, signatures: readonly DestinationSignature[]): Promise<EvmSubmitResult> {
    const what = `${this.chain} #${t.seq} ${call.label}`;
    const { client, wallet, logger } = this.#o;
    if (!wallet) throw new EvmBridgeError("EVM_CONFIG_INVALID", `${what}: no relayerKey configured for chain "${this.chain}": this submitter only reads status()`, false);
    const { bridgeAddress, chainId } = await this.#o.bridge();
    const log = logger.child({ chain: this.chain, seq: t.seq.toString(), ...(call.transferId ? { transferId: call.transferId } : { epoch: call.epoch?.toString() }) });

    // An earlier attempt of ours may still be on its way.
    const earlier = this.#inflight.get(call.key);
    if (earlier !== undefined) {
      const r = await this.#awaitEarlier(earlier, what, call);
      if (r !== undefined) return r;
    }

    const rpc = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
      try {
        return await f();
      } catch (e) {
        throw mapBridgeError(e, `${what}: ${label}`);
      }
    };
    const [keys, powers] = await rpc("validators()", () => client.readContract({ address: bridgeAddress, abi: NEXUS_BRIDGE_ABI, functionName: "validators" }));
    const digest = hashTypedData({ domain: bridgeDomain(chainId, bridgeAddress), types: OUTBOUND_TYPES, primaryType: call.primaryType, message: call.message as never });
    const sigs = await packSignatures(digest, signatures, { keys, powers });
    if (sigs.dropped.length > 0) log.warn({ dropped: sigs.dropped }, "signatures left out");
    const args = call.args(sigs.packed);
    const done = async (txHash?: string): Promise<EvmSubmitResult> => {
      const found = call.transferId ? await this.#findExecution(call).catch(() => undefined) : undefined;
      log.info({ tx: found ?? txHash }, "already processed");
      return { txHash: found ?? txHash ?? "", alreadyProcessed: true, signers: [] };
    };
    if (!sigs.passes) {
      if (await rpc("status", () => this.#isDone(call))) return done();
      throw new EvmBridgeError(
        "EVM_INSUFFICIENT_POWER",
        `${what}: usable signatures hold ${sigs.signedPower} of ${sigs.totalPower} power in the bridge's set, need more than 2/3`,
        true,
        { signedPower: sigs.signedPower.toString(), totalPower: sigs.totalPower.toString(), dropped: sigs.dropped },
      );
    }

    // Gas estimation first: a revert costs nothing and says why.
    const request = { address: bridgeAddress, abi: BRIDGE_CALL_ABI, functionName: call.functionName, args, account: wallet.account } as const;
    let gas: bigint;
    try {
      gas = await client.estimateContractGas(request as never);
    } catch (e) {
      const mapped = await this.#mapRevert(e, what);
      if (mapped.code === "EVM_ALREADY_PROCESSED") return done();
      throw mapped;
    }
    gas = (gas * BigInt(this.#o.gasMultiplierPercent ?? 120)) / 100n;

    let hash: Hex;
    try {
      hash = await wallet.writeContract({ ...request, gas, chain: wallet.chain } as never);
    } catch (e) {
      const mapped = await this.#mapRevert(e, what);
      if (mapped.code === "EVM_ALREADY_PROCESSED") return done();
      throw mapped;
    }
    this.#inflight.set(call.key, hash);
    log.info({ tx: hash, signers: sigs.signers, gas: gas.toString() }, `${call.functionName} sent`);
    if (!this.#o.awaitReceipts) return { txHash: hash, alreadyProcessed: false, signers: sigs.signers.map((s) => s.toLowerCase()) };
    const r = await this.#awaitEarlier(hash, what, call);
    if (r !== undefined) return { ...r, signers: r.alreadyProcessed ? [] : sigs.signers.map((s) => s.toLowerCase()) };
    // Dropped from the mempool without a receipt: let the core retry.
    throw new EvmBridgeError("EVM_RPC", `${what}: transaction ${hash} disappeared before it was mined`, true, { txHash: hash });
  }

  /**
   * Waits for our transaction `hash` of a transfer: its result, or undefined when the node no
   * longer knows it (dropped: send again). A revert because the transfer was processed in
   * between is done; any other revert is replayed as a call to learn its reason.
   */
  async #awaitEarlier(hash: Hex, what: string, call: OutboundCall): Promise<EvmSubmitResult | undefined> {
    const { client, wallet } = this.#o;
    const { bridgeAddress } = await this.#o.bridge();
    if (!wallet) throw new EvmBridgeError("EVM_CONFIG_INVALID", `${what}: no relayerKey configured`, false);
    let receipt;
    try {
      receipt = await client.waitForTransactionReceipt({ hash, timeout: this.#o.receiptTimeoutMs ?? 120_000 });
    } catch (e) {
      const known = await client.getTransaction({ hash }).then(
        () => true,
        () => false,
      );
      if (!known) {
        this.#forget(hash);
        return undefined;
      }
      throw new EvmBridgeError("EVM_RPC", `${what}: no receipt for ${hash} yet (${(e as Error).message.split("\n")[0]})`, true, { txHash: hash }, { cause: e });
    }
    this.#forget(hash);
    if (receipt.status === "success") return { txHash: hash, alreadyProcessed: false, signers: [] };
    if (await this.#isDone(call)) {
      const found = call.transferId ? await this.#findExecution(call).catch(() => undefined) : undefined;
      return { txHash: found ?? hash, alreadyProcessed: true, signers: [] };
    }
    // Replay it as a call now to learn why it reverted.
    const tx = await client.getTransaction({ hash });
    const { functionName, args } = decodeFunctionData({ abi: BRIDGE_CALL_ABI, data: tx.input });
    try {
      await client.simulateContract({ address: bridgeAddress, abi: BRIDGE_CALL_ABI, functionName, args, account: wallet.account } as never);
    } catch (e) {
      throw await this.#mapRevert(e, what);
    }
    throw new EvmBridgeError("EVM_REVERTED", `${what}: transaction ${hash} reverted (out of gas?)`, true, { txHash: hash, gasUsed: receipt.gasUsed.toString() });
  }

  #forget(hash: Hex): void {
    for (const [id, h] of this.#inflight) if (h === hash) this.#inflight.delete(id);
  }

  async #mapRevert(e: unknown, what: string): Promise<EvmBridgeError> {
    const d = decodedRevert(e);
    if (d?.errorName === "RateLimitExceeded") {
      const { bridgeAddress } = await this.#o.bridge();
      const token = d.args[0] as Address;
      const rl = await this.#o.client.readContract({ address: bridgeAddress, abi: NEXUS_BRIDGE_ABI, functionName: "rateLimits", args: [token] }).catch(() => undefined);
      return mapBridgeError(e, what, rl === undefined ? undefined : { capacity: rl[0], refillPerSecond: rl[1] });
    }
    return mapBridgeError(e, what);
  }

  /** The transaction whose Minted (or BhlsForwarded) event carries the call's transferId, newest first, within the look-back window. */
  async #findExecution(call: OutboundCall): Promise<string | undefined> {
    const { client } = this.#o;
    const { bridgeAddress } = await this.#o.bridge();
    const latest = await client.getBlockNumber({ cacheTime: 0 });
    const lookback = BigInt(this.#o.mintLookbackBlocks ?? 10_000);
    const floor = latest > lookback ? latest - lookback : 0n;
    const range = BigInt(this.#o.maxBlockRange);
    const eventName = call.kind === "bhls" ? "BhlsForwarded" : "Minted";
    for (let end = latest; end >= floor; ) {
      const start = end - range + 1n > floor ? end - range + 1n : floor;
      const logs = await client.getContractEvents({ address: bridgeAddress, abi: NEXUS_BRIDGE_ABI, eventName, args: { transferId: call.transferId! }, fromBlock: start, toBlock: end });
      const hit = logs.find((l) => !l.removed && l.transactionHash !== null);
      if (hit) return hit.transactionHash!;
      if (start === 0n) break;
      end = start - 1n;
    }
    return undefined;
  }
}
