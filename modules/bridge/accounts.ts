/**
 * Module accounts of the bridge. The names are wire values (their addresses derive from them:
 * moduleAddress(name)): never rename one.
 */
/**
 * Holds the NXT of outbound transfers (locked until executed on the destination, or refunded
 * after expiry) and pays inbound credits. Its balance must equal the bridge's running totals
 * (an invariant checked every block), so the chain must list it among bank's blocked accounts.
 */
export const BRIDGE_ESCROW = "bridge_escrow";

/** What the bridge needs from the chain's permission table: nothing (it neither mints nor burns). */
export const BRIDGE_MODULE_ACCOUNT_PERMISSIONS: Readonly<Record<string, readonly "burner"[]>> = {};

/** Module accounts the chain must block for plain sends. */
export const BRIDGE_BLOCKED_ACCOUNTS = [BRIDGE_ESCROW] as const;
