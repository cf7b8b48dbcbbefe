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
  const bad = (msg: string) => new EvmBridgeError("EVM_BAD_TRANSFER", `${chain} #${t.seq}: ${msg}`, false);
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
