import { getAddress, isAddress, type Address, type Hex } from "viem";
import type { OutboundTransfer } from "../core/types.ts";
import { EvmBridgeError } from "./errors.ts";

const U64_MAX = (1n << 64n) - 1n;

/** The Mint message of an outbound transfer, checked: what the signer signs and the submitter sends. */
export interface MintMessage {
  readonly transferId: Hex;
  readonly recipient: Address;
  readonly amount: bigint;
  readonly expiresAt: bigint;
}

export function mintMessage(chain: string, t: OutboundTransfer): MintMessage {
  const bad = badTransfer(chain, t);
  if (t.destChain !== chain) throw bad(`transfer is for chain "${t.destChain}"`);
  const id = t.transferId.replace(/^0x/, "");
  if (!/^[0-9a-fA-F]{64}$/.test(id)) throw bad(`transferId "${t.transferId}" is not 32 bytes of hex`);
  if (!isAddress(t.recipient, { strict: false })) throw bad(`recipient "${t.recipient}" is not an EVM address`);
  const recipient = getAddress(t.recipient);
  if (BigInt(recipient) === 0n) throw bad("recipient is the zero address");
  if (t.amount <= 0n || t.amount >= 1n << 256n) throw bad(`amount ${t.amount} out of range`);
  if (t.expiresAt < 0n || t.expiresAt > U64_MAX) throw bad(`expiresAt ${t.expiresAt} is not a u64`);
  return { transferId: `0x${id.toLowerCase()}`, recipient, amount: t.amount, expiresAt: t.expiresAt };
}

function badTransfer(chain: string, t: OutboundTransfer) {
  return (msg: string) => new EvmBridgeError("EVM_BAD_TRANSFER", `${chain} #${t.seq}: ${msg}`, false);
}

/**
 * One outbound record as the NexusBridge call that carries it out: the EIP-712 message the
 * validators sign (primaryType of abi.ts OUTBOUND_TYPES) and the function the relayer calls with
 * their packed signatures. A transfer is `mint`, a BHLS delivery `deliverBhls`, an epoch update
 * `updateEpoch`.
 */
export interface OutboundCall {
  readonly kind: "transfer" | "bhls" | "epoch";
  /** What identifies it on the destination: the transferId, or "epoch <n>". */
  readonly key: string;
  /** For logs: "mint 0x…", "deliverBhls 0x…", "updateEpoch 7". */
  readonly label: string;
  readonly functionName: "mint" | "deliverBhls" | "updateEpoch";
  readonly primaryType: "Mint" | "BhlsDelivery" | "EpochUpdate";
  readonly message: Record<string, unknown>;
  /** Transfers and deliveries: their id and expiry (processed / isExpired). */
  readonly transferId?: Hex;
  readonly expiresAt?: bigint;
  readonly epoch?: bigint;
  args(signatures: Hex): readonly unknown[];
}

export function outboundCall(chain: string, t: OutboundTransfer): OutboundCall {
  const bad = badTransfer(chain, t);
  switch (t.kind ?? "transfer") {
    case "transfer": {
      const m = mintMessage(chain, t);
      return { kind: "transfer", key: m.transferId, label: `mint ${m.transferId}`, functionName: "mint", primaryType: "Mint", message: { ...m }, transferId: m.transferId, expiresAt: m.expiresAt, args: (sigs) => [m.transferId, m.recipient, m.amount, m.expiresAt, sigs] };
    }
    case "bhls": {
      const m = mintMessage(chain, t);
      const citizen = (t.citizen ?? "").replace(/^0x/, "");
      if (!/^[0-9a-fA-F]{64}$/.test(citizen)) throw bad(`citizen "${t.citizen}" is not 32 bytes of hex`);
      if (t.epoch === undefined || t.epoch < 0n || t.epoch > U64_MAX) throw bad(`epoch ${t.epoch} is not a u64`);
      const c: Hex = `0x${citizen.toLowerCase()}`;
      const message = { transferId: m.transferId, citizen: c, epoch: t.epoch, recipient: m.recipient, amount: m.amount, expiresAt: m.expiresAt };
      return {
        kind: "bhls",
        key: m.transferId,
        label: `deliverBhls ${m.transferId}`,
        functionName: "deliverBhls",
        primaryType: "BhlsDelivery",
        message,
        transferId: m.transferId,
        expiresAt: m.expiresAt,
        epoch: t.epoch,
        args: (sigs) => [m.transferId, c, t.epoch!, m.recipient, m.amount, m.expiresAt, sigs],
      };
    }
    case "epoch": {
      if (t.destChain !== chain) throw bad(`transfer is for chain "${t.destChain}"`);
      if (t.epoch === undefined || t.epoch <= 0n || t.epoch > U64_MAX) throw bad(`epoch ${t.epoch} is not a positive u64`);
      if (t.floorAmount === undefined || t.floorAmount <= 0n || t.floorAmount >= 1n << 80n) throw bad(`floorAmount ${t.floorAmount} out of range`);
      const epoch = t.epoch;
      const floorAmount = t.floorAmount;
      return { kind: "epoch", key: `epoch ${epoch}`, label: `updateEpoch ${epoch}`, functionName: "updateEpoch", primaryType: "EpochUpdate", message: { epoch, floorAmount }, epoch, args: (sigs) => [epoch, floorAmount, sigs] };
    }
  }
}
