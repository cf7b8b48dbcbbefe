/** Event types (wire values: indexers and scripts subscribe to them). The first attribute is what subscriptions index on. */
export const GovEvents = {
  Submitted: "gov.proposal_submitted", // proposalId, proposer, band, msgs
  Deposit: "gov.deposit", // proposalId, depositor, amount, total
  VotingStarted: "gov.voting_started", // proposalId, votingEndMs
  Vote: "gov.vote", // proposalId, voter, options
  Ended: "gov.proposal_ended", // proposalId, status, outcome, yes, no, abstain, veto, bandsApproved, bandsRequired
  Executed: "gov.proposal_executed", // proposalId
  ExecutionFailed: "gov.proposal_failed", // proposalId, reason
  Dropped: "gov.proposal_dropped", // proposalId (deposit period ended unfunded)
  ParamsUpdated: "gov.params_updated",
  ConstitutionAmended: "gov.constitution_amended", // version, rules
} as const;
