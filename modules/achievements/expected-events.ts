/**
 * What achievements reads from other modules' transactions: their event types (with the
 * attributes used) and message type URLs. These are those modules' public wire values, named
 * here rather than imported so the module depends on no other module's code;
 * chains/nexus/achievements.test.ts checks each against the module that emits it.
 */
export const WatchedEvents = {
  BridgeOut: "bridge.outbound", // sender; kind absent for a user's transfer
  Swap: "dex.swap", // sender
  LiquidityAdded: "dex.mint", // sender
  PoolCreated: "dex.pool_created", // creator
  Deposit: "gov.deposit", // depositor
  Vote: "gov.vote", // voter
  ProposalSubmitted: "gov.proposal_submitted", // proposer
  DisputeFiled: "arbitration.dispute_filed", // plaintiff
  CitizenRegistered: "bhls.citizen_registered", // citizen, renewed ("true" | "false")
  Claim: "bhls.claim", // citizen, streak
  CreateValidator: "staking.create_validator", // operator
  Delegate: "staking.delegate", // delegator
} as const;

export const WatchedMsgs = {
  Send: "/bank.v1.MsgSend", // { from }
  MultiSend: "/bank.v1.MsgMultiSend", // { inputs: [{ address }] }
  ReportCommit: "/consensus.v1.MsgReportCommit", // { signatures: [{ validator }] }
  SwapExactIn: "/dex.v1.MsgSwapExactIn", // { sender, route }
  SwapExactOut: "/dex.v1.MsgSwapExactOut", // { sender, route }
} as const;
