import { asArray, asBytes, asSafeUint, CodecError, decodeCanonical, encodeCanonical } from "../../codec/canonical.ts";
import { decodeMessage, encodeMessage } from "../codec.ts";
import type { CoreInput, TimeoutStep } from "../core/types.ts";
import { ConsensusError } from "../errors.ts";
import { HASH_BYTES, type SignedMessage } from "../types.ts";

/**
 * What the WAL holds: where a height starts, every input the core acted on (in order), and
 * every message this node signed, written and synced before it is broadcast.
 */
export type WalRecord =
  | { readonly kind: "start"; readonly height: number }
  | { readonly kind: "input"; readonly input: CoreInput }
  | { readonly kind: "signed"; readonly message: SignedMessage };

// Record tags are stored on disk: never renumber.
const START = 0;
const MESSAGE = 1;
const TIMEOUT = 2;
const VALIDATED = 3;
const VALUE = 4;
const SIGNED = 5;
const STEPS: readonly TimeoutStep[] = ["propose", "prevote", "precommit"];

export function encodeRecord(r: WalRecord): Uint8Array {
  if (r.kind === "start") return encodeCanonical([START, r.height]);
  if (r.kind === "signed") return encodeCanonical([SIGNED, encodeMessage(r.message)]);
  const i = r.input;
  switch (i.kind) {
    case "message":
      return encodeCanonical([MESSAGE, encodeMessage(i.message)]);
    case "timeout":
      return encodeCanonical([TIMEOUT, i.height, i.round, STEPS.indexOf(i.step)]);
    case "validated":
      return encodeCanonical([VALIDATED, i.height, i.blockHash, i.valid]);
    case "value":
      return encodeCanonical([VALUE, i.height, i.round, i.blockHash]);
  }
}

export function decodeRecord(bytes: Uint8Array): WalRecord {
  try {
    const a = asArray(decodeCanonical(bytes, "WAL record"), "WAL record", 2, 5);
    const tag = asSafeUint(a[0], "WAL record tag");
    const msg = (): SignedMessage => decodeMessage(asBytes(a[1], "message"));
    switch (tag) {
      case START:
        return { kind: "start", height: asSafeUint(a[1], "height") };
      case SIGNED:
        return { kind: "signed", message: msg() };
      case MESSAGE:
        return { kind: "input", input: { kind: "message", message: msg() } };
      case TIMEOUT: {
        const step = STEPS[asSafeUint(a[3], "step")];
        if (!step) throw new CodecError("bad timeout step");
        return { kind: "input", input: { kind: "timeout", height: asSafeUint(a[1], "height"), round: asSafeUint(a[2], "round"), step } };
      }
      case VALIDATED:
        if (typeof a[3] !== "boolean") throw new CodecError("valid must be a boolean");
        return { kind: "input", input: { kind: "validated", height: asSafeUint(a[1], "height"), blockHash: asBytes(a[2], "blockHash", HASH_BYTES), valid: a[3] } };
      case VALUE:
        return { kind: "input", input: { kind: "value", height: asSafeUint(a[1], "height"), round: asSafeUint(a[2], "round"), blockHash: asBytes(a[3], "blockHash", HASH_BYTES) } };
      default:
        throw new CodecError(`unknown WAL record tag ${tag}`);
    }
  } catch (e) {
    // A record that passed its CRC but does not decode was written by a different version: stop.
    if (e instanceof CodecError || (e instanceof ConsensusError && e.code === "CONSENSUS_MALFORMED_MESSAGE")) {
      throw new ConsensusError("CONSENSUS_WAL_CORRUPT", `undecodable WAL record: ${e.message}`);
    }
    throw e;
  }
}
