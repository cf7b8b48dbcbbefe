import { StoreLayout, addressKey, jsonCodec, pairKey, tupleKey, u64NumberKey, uintValue } from "../../runtime/state/collections/index.ts";
import { paramsCodec } from "./params.ts";
import { constitutionCodec } from "./constitution/schema.ts";
import { proposalSchema, voteAggSchema, voteRecordSchema, type Proposal, type VoteAgg, type VoteRecord } from "./records.ts";
import { emptyValue } from "../../runtime/state/collections/index.ts";

/**
 * Store layout of the "gov" namespace. Prefix bytes are wire values: append only, never
 * reuse one (a retired prefix stays here as a comment).
 */
export const PARAMS_PREFIX = 0x01; // → GovParams
export const PROPOSAL_SEQ_PREFIX = 0x02; // → next proposal id
export const PROPOSAL_PREFIX = 0x03; // | id u64 → Proposal
export const DEPOSIT_PREFIX = 0x04; // | id u64 | depositor → amount (uint)
export const VOTE_PREFIX = 0x05; // | id u64 | voter → VoteRecord
export const DEPOSIT_QUEUE_PREFIX = 0x06; // | depositEndMs u64 | id u64 → ∅ (proposals in their deposit period)
export const VOTING_QUEUE_PREFIX = 0x07; // | votingEndMs u64 | id u64 → ∅ (proposals in their voting period)
export const CONSTITUTION_PREFIX = 0x08; // → Constitution
export const VOTE_SHARES_PREFIX = 0x09; // | id u64 | voter | validator → shares the voter's vote counts there
export const VOTE_AGG_PREFIX = 0x0a; // | id u64 | validator → VoteAgg (what delegators who voted hold there)
export const VOTER_PROPOSALS_PREFIX = 0x0b; // | voter | id u64 → ∅ (proposals a voter voted on; stale ones pruned lazily)

const L = new StoreLayout("gov");

export const Params = L.item(PARAMS_PREFIX, "params", paramsCodec, { memo: true });
export const ProposalSeq = L.sequence(PROPOSAL_SEQ_PREFIX, "proposalSeq");
export const Proposals = L.map(PROPOSAL_PREFIX, "proposals", u64NumberKey, jsonCodec<Proposal>({ name: "gov.Proposal", schema: proposalSchema }));
export const Deposits = L.map(DEPOSIT_PREFIX, "deposits", pairKey(u64NumberKey, addressKey), uintValue);
export const Votes = L.map(VOTE_PREFIX, "votes", pairKey(u64NumberKey, addressKey), jsonCodec<VoteRecord>({ name: "gov.Vote", schema: voteRecordSchema }));
export const DepositQueue = L.timeQueue(DEPOSIT_QUEUE_PREFIX, "depositQueue", u64NumberKey, emptyValue);
export const VotingQueue = L.timeQueue(VOTING_QUEUE_PREFIX, "votingQueue", u64NumberKey, emptyValue);
export const Constitution = L.item(CONSTITUTION_PREFIX, "constitution", constitutionCodec, { memo: true });
export const VoteShares = L.map(VOTE_SHARES_PREFIX, "voteShares", tupleKey<[number, string, string]>(u64NumberKey, addressKey, addressKey), uintValue);
export const VoteAggs = L.map(VOTE_AGG_PREFIX, "voteAggs", pairKey(u64NumberKey, addressKey), jsonCodec<VoteAgg>({ name: "gov.VoteAgg", schema: voteAggSchema, bigints: ["deducted", "yes", "no", "abstain", "veto"] }));
export const VoterProposals = L.map(VOTER_PROPOSALS_PREFIX, "voterProposals", pairKey(addressKey, u64NumberKey), emptyValue);
