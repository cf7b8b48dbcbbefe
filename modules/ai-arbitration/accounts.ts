/**
 * The module account holding every bond (notes/arb-contract.md: moduleAddress("arbitration")).
 * Its balance must equal the bonds of open and ruled cases (an invariant checked every
 * block), so the chain must list it among bank's blocked accounts: a plain MsgSend into it
 * would halt the chain.
 */
export const ARBITRATION_MODULE_ACCOUNT = "arbitration";

/** Module accounts the chain must block for plain sends. */
export const ARBITRATION_BLOCKED_ACCOUNTS = [ARBITRATION_MODULE_ACCOUNT] as const;

/** What arbitration needs from the chain's permission table: nothing (it only sends). */
export const ARBITRATION_MODULE_ACCOUNT_PERMISSIONS: Readonly<Record<string, readonly "burner"[]>> = {};
