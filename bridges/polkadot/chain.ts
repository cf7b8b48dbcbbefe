import type { Logger } from "pino";
import { ApiPromise, WsProvider } from "@polkadot/api";
import type { SubmittableExtrinsic } from "@polkadot/api/types";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { DispatchError, EventRecord } from "@polkadot/types/interfaces";
import { PolkadotError, rpcError } from "./errors.ts";

export type Extrinsic = SubmittableExtrinsic<"promise">;

/** Pallets (and calls) a bridged Substrate chain must have: checked on connect. */
const REQUIRED_CALLS = ["multisig.asMulti", "multisig.cancelAsMulti", "utility.batchAll", "assets.create", "assets.mint", "assets.setMetadata", "uniques.create", "uniques.mint", "system.remarkWithEvent"];

/** What an included extrinsic did: its block, whether it succeeded, its events (decoded errors as "pallet.Error"). */
export interface Inclusion {
  readonly blockHash: string;
  /** The extrinsic's index in its block. */
  readonly index?: number;
  readonly ok: boolean;
  /** The failure as "pallet.Error" when !ok. */
  readonly error?: string;
  readonly events: readonly EventRecord[];
}

/**
 * One Substrate chain over its WebSocket JSON-RPC (@polkadot/api): the connection, finality,
 * blocks with their events, and submitting a validator's extrinsic until it is in a block. The
 * family's only door to the chain.
 */
export class SubstrateChain {
  private constructor(
    readonly api: ApiPromise,
    private readonly o: { readonly chain: string; readonly requestTimeoutMs: number; readonly logger: Logger },
  ) {}

  /**
   * Connects and checks the chain: its SS58 prefix must be `ss58Prefix` (NexusOS's settings),
   * and it must have pallet-multisig, pallet-assets, pallet-uniques and pallet-utility.
   */
  static async connect(o: { chain: string; wsUrl: string; ss58Prefix: number; requestTimeoutMs?: number; logger: Logger }): Promise<SubstrateChain> {
    const requestTimeoutMs = o.requestTimeoutMs ?? 30_000;
    const provider = new WsProvider(o.wsUrl, 2_500, undefined, requestTimeoutMs);
    let api: ApiPromise;
    try {
      api = await withTimeout(ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true }), requestTimeoutMs, `${o.chain}: connecting to ${o.wsUrl}`);
    } catch (e) {
      await provider.disconnect().catch(() => undefined);
      throw rpcError(e, `${o.chain}: cannot connect to ${o.wsUrl}`);
    }
    const c = new SubstrateChain(api, { chain: o.chain, requestTimeoutMs, logger: o.logger });
    const missing = REQUIRED_CALLS.filter((p) => {
      const [section, method] = p.split(".") as [string, string];
      return !(api.tx as unknown as Record<string, Record<string, unknown> | undefined>)[section]?.[method];
    });
    const prefix = api.registry.chainSS58;
    const problem = missing.length
      ? `the chain lacks ${missing.join(", ")} (a bridged chain needs pallet-multisig, pallet-assets, pallet-uniques and pallet-utility: Asset Hub has them)`
      : prefix !== undefined && prefix !== o.ss58Prefix
        ? `the chain's SS58 prefix is ${prefix}, NexusOS's settings of "${o.chain}" say ${o.ss58Prefix}`
        : null;
    if (problem) {
      await api.disconnect().catch(() => undefined);
      throw new PolkadotError("POLKADOT_WRONG_CHAIN", `${o.chain} at ${o.wsUrl}: ${problem}`, { chain: o.chain });
    }
    return c;
  }

  get chainName(): string {
    return this.o.chain;
  }

  /** Runs an RPC read with the request timeout, failures as POLKADOT_RPC. */
  async read<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(f(), this.o.requestTimeoutMs, `${this.o.chain}: ${what}`);
    } catch (e) {
      throw rpcError(e, `${this.o.chain}: ${what}`);
    }
  }

  async finalizedNumber(): Promise<bigint> {
    return this.read("finalized head", async () => {
      const hash = await this.api.rpc.chain.getFinalizedHead();
      return (await this.api.rpc.chain.getHeader(hash)).number.toBigInt();
    });
  }

  async bestNumber(): Promise<bigint> {
    return this.read("best head", async () => (await this.api.rpc.chain.getHeader()).number.toBigInt());
  }

  /** Block n of the canonical chain with its events. */
  async block(n: bigint) {
    return this.read(`block ${n}`, async () => {
      const hash = await this.api.rpc.chain.getBlockHash(n);
      if (hash.isEmpty) throw new Error(`no block ${n} yet`);
      const [signed, at] = await Promise.all([this.api.rpc.chain.getBlock(hash), this.api.at(hash)]);
      const events = (await at.query.system.events()) as unknown as EventRecord[];
      return { hash: hash.toHex(), extrinsics: signed.block.extrinsics, events };
    });
  }

  /** "pallet.Error" of a dispatch error. */
  describeError(err: DispatchError): string {
    if (err.isModule) {
      try {
        const m = this.api.registry.findMetaError(err.asModule);
        return `${m.section}.${m.name}`;
      } catch {
        return err.toString();
      }
    }
    return err.type;
  }

  /**
   * Signs `tx` with `pair` (the next nonce the node knows, pool included) and waits until it is
   * in a block. Throws POLKADOT_RPC when it is refused by the pool or not seen in a block within
   * `timeoutMs`; resolves with ok: false (and the decoded error) when included but failed.
   */
  async submit(pair: KeyringPair, tx: Extrinsic, what: string, timeoutMs = 60_000): Promise<Inclusion> {
    let unsub: (() => void) | undefined;
    try {
      return await withTimeout(
        new Promise<Inclusion>((resolve, reject) => {
          tx.signAndSend(pair, { nonce: -1 }, (r) => {
            if (r.status.isInBlock) {
              const failed = r.dispatchError;
              resolve({ blockHash: r.status.asInBlock.toHex(), ...(r.txIndex !== undefined ? { index: r.txIndex } : {}), ok: !failed, ...(failed ? { error: this.describeError(failed) } : {}), events: r.events });
            } else if (r.status.isInvalid || r.status.isDropped || r.status.isUsurped) reject(new Error(`the pool says ${r.status.type}`));
          })
            .then((u) => {
              unsub = u;
            })
            .catch(reject);
        }),
        timeoutMs,
        `${this.o.chain}: ${what}: waiting for inclusion`,
      );
    } catch (e) {
      throw rpcError(e, `${this.o.chain}: ${what}`);
    } finally {
      unsub?.();
    }
  }

  async close(): Promise<void> {
    await this.api.disconnect().catch(() => undefined);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
