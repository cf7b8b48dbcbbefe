/**
 * The seams of the bridge processes (docs/bridges.md). A validator's **watcher** observes
 * source chains and attests what it saw on NexusOS, signs NexusOS's outbound transfers for
 * their destination, and attests their result there; a **relayer** (anyone) carries outbound
 * transfers the validators signed to their destination. Both run on bridges/core (checkpoints,
 * resumption, backoff, metrics); each chain family plugs in through these interfaces
 * (bridges/evm, later polkadot and cosmos). They talk to NexusOS only through its RPC.
 */

/** A transfer seen on a source chain, final (its confirmation depth passed). */
export interface ObservedTransfer {
  /** The source chain's name in NexusOS's bridge module ("evm-local", "sepolia"…). */
  readonly sourceChain: string;
  /** Source sequence: NexusBridge's outboundNonce on EVM. Credited once per (chain, seq). */
  readonly seq: bigint;
  /** Sender on the source chain, in the family's canonical form (EVM: lowercase 0x…). */
  readonly sender: string;
  /** The nxs1… address to credit. */
  readonly recipient: string;
  /** NXT base units (8 decimals on both sides). */
  readonly amount: bigint;
  /** Transaction hash on the source chain. */
  readonly sourceTx: string;
  /** Source block height of the transaction. */
  readonly height: bigint;
}

/** Reads a source chain; only final blocks (height ≤ finalHeight()) are ever asked for. */
export interface SourceWatcher {
  readonly chain: string;
  /** The highest height with the chain's confirmation depth behind it. */
  finalHeight(): Promise<bigint>;
  /** Transfers included in heights (fromHeight, toHeight], in order of seq. */
  transfers(fromHeight: bigint, toHeight: bigint): Promise<ObservedTransfer[]>;
}

/** An outbound transfer of NexusOS (module bridge's record), to execute on its destination. */
export interface OutboundTransfer {
  readonly destChain: string;
  readonly seq: bigint;
  /**
   * What it carries out (absent: "transfer"): "bhls", a citizen's BHLS claim paid through the
   * destination's BHLSDistributor (citizen, epoch set); "epoch", opening a NexusOS epoch there
   * (epoch, floorAmount set; amount 0). Families that do not deliver BHLS never see these.
   */
  readonly kind?: "transfer" | "bhls" | "epoch";
  /** bhls: the citizen's 32-byte id, 64 hex digits. */
  readonly citizen?: string;
  /** bhls, epoch: the NexusOS epoch. */
  readonly epoch?: bigint;
  /** epoch: the most one claim of the epoch may deliver. */
  readonly floorAmount?: bigint;
  /** 32 bytes hex (no 0x): the bridge module's transferId. */
  readonly transferId: string;
  /** Destination address in the family's form. */
  readonly recipient: string;
  readonly amount: bigint;
  /** Unix seconds of destination block time after which it can no longer execute. */
  readonly expiresAt: bigint;
}

/** A signature of a validator's destination key over an outbound transfer. */
export interface DestinationSignature {
  /** The destination key (EVM: lowercase 0x address) as registered in NexusOS. */
  readonly key: string;
  /**
   * Hex (EVM: 65 bytes r‖s‖v, no 0x). bridges/core passes NexusOS's stored signatures (which
   * carry 0x on EVM) with the 0x stripped and lowercase; only those that count now are passed.
   */
  readonly signature: string;
}

/**
 * done: executed on the destination; expired: can no longer execute there (its expiresAt passed
 * by the destination's clock, not executed); pending: neither. status() throws when it cannot
 * tell (RPC down): the caller retries.
 */
export type DestinationStatus = "done" | "pending" | "expired";

/** Executes outbound transfers on a destination and says which are done (resumption, racing relayers). */
export interface DestinationSubmitter {
  readonly chain: string;
  status(t: OutboundTransfer): Promise<DestinationStatus>;
  /**
   * Submit with the signatures NexusOS collected (the submitter orders/packs them as its chain wants).
   * Throw only when nothing was broadcast (a revert in simulation, the RPC down): the relayer then
   * retries with backoff, asking status() first. Once broadcast, return its hash (waiting for
   * inclusion is optional: the relayer polls status() and re-submits a transfer still "pending"
   * only after resubmitAfterMs).
   */
  submit(t: OutboundTransfer, signatures: readonly DestinationSignature[]): Promise<{ txHash: string }>;
}

/** A validator's key for a destination family: signs outbound transfers for that destination. */
export interface DestinationSigner {
  readonly chain: string;
  /** The public key / address registered in NexusOS (MsgRegisterAttestationKey). */
  readonly key: string;
  /**
   * Hex, with or without 0x (bridges/core puts it in the family's MsgSignOutbound form: EVM
   * "0x" + 130 lowercase hex, others bare lowercase hex).
   */
  sign(t: OutboundTransfer): Promise<string>;
  /**
   * Whether a signature this key posted on NexusOS no longer fits what the destination would
   * execute now (Cosmos: a handover moved the funds to another escrow, so a release signed for
   * the old one cannot execute). The watcher then signs again and the new signature replaces
   * the old one. Families whose signed payload never changes leave it out.
   */
  stale?(t: OutboundTransfer, signature: string): Promise<boolean>;
}
