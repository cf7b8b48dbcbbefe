/** The p2p layer's error (codes NET_*) is shared by every transport: runtime/p2p/errors.ts. */
export { NetworkError, type NetworkErrorCode } from "../../../runtime/p2p/errors.ts";
