/**
 * Module accounts the BHLS module pays from and into. The names are wire values (their
 * addresses derive from them: moduleAddress(name)): never rename one.
 */
/** Funded by genesis and by economy's epoch transitions; every claim is paid from it. */
export const BHLS_FLOOR_RESERVE = "bhls_floor_reserve";
/**
 * Holds the claims directed to a bridged chain until the bridge delivers them. Its balance
 * must equal the sum of the pending deliveries (an invariant checked every block), so the
 * chain must list it among bank's blocked accounts: a plain MsgSend into it would halt the chain.
 */
export const BHLS_BRIDGE_ESCROW = "bhls_bridge_escrow";

/** What the BHLS module needs from the chain's permission table: nothing (it only sends). */
export const BHLS_MODULE_ACCOUNT_PERMISSIONS: Readonly<Record<string, readonly "burner"[]>> = {};

/** Module accounts the chain must block for plain sends. */
export const BHLS_BLOCKED_ACCOUNTS = [BHLS_BRIDGE_ESCROW] as const;
