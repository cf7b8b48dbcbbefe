/**
 * What the engine and the consensus chain module (modules/consensus) agree on: the typeUrls
 * and bodies of the proposer's consensus transaction, the query the report asks, and the
 * token of the node's verified-signature cache. Declared here, by the framework, so the
 * engine never imports a module; the chain module implements them.
 */
export const ConsensusTypeUrls = {
  ReportCommit: "/consensus.v1.MsgReportCommit",
  SubmitEvidence: "/consensus.v1.MsgSubmitEvidence",
} as const;

export interface MsgReportCommit {
  reporter: string;
  height: number;
  round: number;
  blockHash: string;
  signatures: { validator: string; signature: string }[];
}

export interface MsgSubmitEvidence {
  reporter: string;
  /** encodeEvidence, hex. */
  evidence: string;
}

/** Query paths of the consensus chain module the engine uses. */
export const ConsensusQueries = {
  /** { validator } → { punished: boolean }: evidence against it has done its work (tombstoned). */
  Punished: "consensus/punished",
} as const;

/** The node's cache of verified signatures, shared by the engine (through its app port) and the chain module's handlers. */
export const VerifiedSignaturesToken = Symbol.for("consensus.VerifiedSignatures");
