/** The p2p layer's error (codes NET_*) is shared by every transport: runtime/p2p/errors.ts. */
import { NetworkError } from "../../../runtime/p2p/errors.ts";
export { NetworkError, type NetworkErrorCode } from "../../../runtime/p2p/errors.ts";

/**
 * A request frame that breaks a protocol: our own decoder's refusal, or lpStream's length and
 * buffer limits (it-length-prefixed's error names). Such garbage costs the sending peer.
 */
export function isBadFrame(err: Error): boolean {
  return err instanceof NetworkError || /^Invalid(Data|Message)Length|^StreamBufferError$/.test(err.name);
}
