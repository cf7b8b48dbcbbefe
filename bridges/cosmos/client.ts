import type { Logger } from "pino";
import { StargateClient, type IndexedTx } from "@cosmjs/stargate";
import { Comet38Client, HttpClient } from "@cosmjs/tendermint-rpc";
import { QueryParamsRequest, QueryParamsResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { CosmosBridgeError, rpcError } from "./errors.ts";

/**
 * A Cosmos chain through its CometBFT 0.38 RPC only (cosmjs' Comet38Client over HTTP, and
 * StargateClient for the auth and bank queries and tx_search). The chain id is checked once
 * against NexusOS's settings before any use (`ready()`); every call fails with that clear error
 * until the configuration is fixed, and an RPC that does not answer gives a retryable
 * COSMOS_RPC (the check runs again on the next call).
 */
export class CosmosRpc {
  readonly #comet: Comet38Client;
  readonly #sg: StargateClient;
  #checked: Promise<void> | undefined;
  #accountNumbers = new Map<string, bigint>();

  constructor(
    readonly o: {
      readonly rpcUrl: string;
      readonly chainId: string;
      readonly requestTimeoutMs?: number;
      readonly logger?: Logger;
      readonly chain: string;
      /** The escrow multisig's key count: checked against the chain's x/auth tx_sig_limit. */
      readonly multisigKeys?: number;
    },
  ) {
    this.#comet = Comet38Client.create(new HttpClient(o.rpcUrl, o.requestTimeoutMs ?? 30_000));
    this.#sg = StargateClient.create(this.#comet);
  }

  /** Checks once (retried after an RPC failure) that the node serves chain id `chainId`. */
  ready(): Promise<void> {
    this.#checked ??= (async () => {
      const st = await this.#comet.status().catch((e: unknown) => {
        throw rpcError(e, `${this.o.chain}: status at ${this.o.rpcUrl}`);
      });
      if (st.nodeInfo.network !== this.o.chainId) {
        throw new CosmosBridgeError(
          "COSMOS_WRONG_CHAIN",
          `${this.o.chain}: the RPC at ${this.o.rpcUrl} serves chain id "${st.nodeInfo.network}", NexusOS's settings name "${this.o.chainId}": fix rpcUrl (or the chain's settings)`,
          false,
          { expected: this.o.chainId, got: st.nodeInfo.network },
        );
      }
      if (this.o.multisigKeys !== undefined) {
        const limit = await this.#sigLimit();
        if (limit !== undefined && this.o.multisigKeys > limit) {
          throw new CosmosBridgeError(
            "COSMOS_CONFIG_INVALID",
            `${this.o.chain}: the escrow multisig has ${this.o.multisigKeys} keys, the chain's x/auth tx_sig_limit is ${limit}: the chain refuses its transactions (raise tx_sig_limit by governance)`,
            false,
            { keys: this.o.multisigKeys, txSigLimit: limit },
          );
        }
      }
      if (!st.nodeInfo.version.startsWith("0.38.")) this.o.logger?.warn({ chain: this.o.chain, version: st.nodeInfo.version }, "the node is not CometBFT 0.38: its RPC may differ");
      this.o.logger?.info({ chain: this.o.chain, chainId: st.nodeInfo.network, version: st.nodeInfo.version, height: st.syncInfo.latestBlockHeight }, "Cosmos chain checked");
    })().catch((e: unknown) => {
      if (e instanceof CosmosBridgeError && e.retryable) this.#checked = undefined;
      throw e;
    });
    return this.#checked;
  }

  async #call<T>(what: string, f: () => Promise<T>): Promise<T> {
    await this.ready();
    try {
      return await f();
    } catch (e) {
      throw rpcError(e, `${this.o.chain}: ${what}`);
    }
  }

  /** The latest block's height and time (ms). */
  async latest(): Promise<{ height: number; timeMs: number }> {
    const st = await this.#call("status", () => this.#comet.status());
    return { height: st.syncInfo.latestBlockHeight, timeMs: st.syncInfo.latestBlockTime.getTime() };
  }

  /** The time (ms) of the block at `height`. */
  async blockTime(height: number): Promise<number> {
    const b = await this.#call(`block ${height}`, () => this.#comet.block(height));
    return b.block.header.time.getTime();
  }

  /** The account number of `address`, or null when the chain has no such account (it never received funds). Cached: it never changes. */
  async accountNumber(address: string): Promise<bigint | null> {
    const known = this.#accountNumbers.get(address);
    if (known !== undefined) return known;
    const acc = await this.#call(`account ${address}`, () => this.#sg.getAccount(address));
    if (!acc) return null;
    this.#accountNumbers.set(address, acc.accountNumber);
    return acc.accountNumber;
  }

  /** The account's number and current sequence (not cached: the sequence moves with each ordered transaction), or null when it does not exist. */
  async account(address: string): Promise<{ accountNumber: bigint; sequence: bigint } | null> {
    const acc = await this.#call(`account ${address}`, () => this.#sg.getAccount(address));
    if (!acc) return null;
    this.#accountNumbers.set(address, BigInt(acc.accountNumber));
    return { accountNumber: BigInt(acc.accountNumber), sequence: BigInt(acc.sequence) };
  }

  async balance(address: string, denom: string): Promise<bigint> {
    const c = await this.#call(`balance ${address}`, () => this.#sg.getBalance(address, denom));
    return BigInt(c.amount);
  }

  /** x/auth's tx_sig_limit (how many keys a multisig may have), or undefined when the node does not say. */
  async txSigLimit(): Promise<number | undefined> {
    await this.ready();
    return this.#sigLimit();
  }

  async #sigLimit(): Promise<number | undefined> {
    try {
      const r = await this.#comet.abciQuery({ path: "/cosmos.auth.v1beta1.Query/Params", data: QueryParamsRequest.encode({}).finish() });
      if (r.code) return undefined;
      return Number(QueryParamsResponse.decode(r.value).params?.txSigLimit ?? 0n) || undefined;
    } catch {
      return undefined;
    }
  }

  /** Every transaction matching a CometBFT tx_search query (all pages), in order of height and index. */
  searchTx(query: string): Promise<IndexedTx[]> {
    return this.#call(`tx_search ${query}`, () => this.#sg.searchTx(query));
  }

  /** broadcast_tx_sync: CheckTx's answer ({code 0} = in the mempool), or a JSON-RPC error (thrown as is). */
  async broadcastSync(tx: Uint8Array): Promise<{ code: number; codespace: string; log: string; hash: string }> {
    await this.ready();
    const r = await this.#comet.broadcastTxSync({ tx });
    return { code: r.code, codespace: r.codespace ?? "", log: r.log ?? "", hash: Buffer.from(r.hash).toString("hex").toUpperCase() };
  }

  close(): void {
    this.#comet.disconnect();
  }
}
