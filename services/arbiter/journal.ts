import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { DeciderRuling } from "../../plugins/arbiters/decider.ts";
import { ArbiterError } from "./errors.ts";

/**
 * The arbiter's durable journal: one JSON object per line, appended and fsync'd before the call
 * returns, keyed by "<caseId>:<round>" (one ruling per arbiter per round).
 *
 *   {"t":"decided","key","caseId","round","at","ruling":{decision,confidence,rationale,rationaleHash,decider,…},"evidence":[…]}
 *                                     written BEFORE anything is sent: a restart never decides the round again
 *   {"t":"sending","key","txHash"}    the signed transaction about to be sent (a restart looks it up first)
 *   {"t":"done","key","txHash?","result":"submitted"|"already-recorded"}
 *   {"t":"failed","key","code","message"}   the chain refused it for good
 *   {"t":"skipped","key","caseId","round","reason"}   not ruled (deadline passed, round closed, not on the panel)
 *
 * A "decided" key with neither done, failed nor skipped after it is pending: on start-up and
 * every poll the agent first asks the chain whether its ruling is recorded, then whether the
 * journaled transaction was committed, and only then sends a new one.
 */
export interface EvidenceNote {
  index: number;
  hash: string;
  status: string;
}

export type JournalEntry =
  | { t: "decided"; key: string; caseId: number; round: number; at: number; ruling: DeciderRuling; evidence: EvidenceNote[] }
  | { t: "sending"; key: string; txHash: string }
  | { t: "done"; key: string; txHash?: string; result: "submitted" | "already-recorded" }
  | { t: "failed"; key: string; code: string; message: string }
  | { t: "skipped"; key: string; caseId: number; round: number; reason: string };

export interface JournalRecord {
  key: string;
  caseId: number;
  round: number;
  state: "decided" | "done" | "failed" | "skipped";
  ruling?: DeciderRuling;
  txHash?: string;
  result?: string;
  failure?: { code: string; message: string };
  reason?: string;
}

export function caseKey(caseId: number, round: number): string {
  return `${caseId}:${round}`;
}

export class Journal {
  private fd: number;
  private readonly records = new Map<string, JournalRecord>();
  /** Lines that could not be parsed when opening (a torn last write). */
  readonly skippedLines: number;

  private constructor(
    readonly path: string,
    fd: number,
    skipped: number,
  ) {
    this.fd = fd;
    this.skippedLines = skipped;
  }

  static open(path: string): Journal {
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new ArbiterError("ARBITER_JOURNAL", `cannot create the journal's directory ${dirname(path)}: ${(e as Error).message}; set dataDir to a writable directory`);
    }
    let text = "";
    if (existsSync(path)) {
      try {
        text = readFileSync(path, "utf8");
      } catch (e) {
        throw new ArbiterError("ARBITER_JOURNAL", `cannot read the journal ${path}: ${(e as Error).message}`);
      }
    }
    let fd: number;
    try {
      fd = openSync(path, "a", 0o600);
    } catch (e) {
      throw new ArbiterError("ARBITER_JOURNAL", `cannot open the journal ${path} for appending: ${(e as Error).message}`);
    }
    // A crash in the middle of a write leaves a line without its newline: end it.
    if (text.length > 0 && !text.endsWith("\n")) {
      writeSync(fd, "\n");
      fsyncSync(fd);
    }
    let skipped = 0;
    const j = new Journal(path, fd, 0);
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        j.apply(JSON.parse(line) as JournalEntry);
      } catch {
        skipped++;
      }
    }
    (j as { skippedLines: number }).skippedLines = skipped;
    return j;
  }

  private apply(e: JournalEntry): void {
    if (e.t === "decided") {
      this.records.set(e.key, { key: e.key, caseId: e.caseId, round: e.round, state: "decided", ruling: e.ruling });
      return;
    }
    if (e.t === "skipped") {
      const r = this.records.get(e.key) ?? { key: e.key, caseId: e.caseId, round: e.round, state: "skipped" };
      r.state = "skipped";
      r.reason = e.reason;
      this.records.set(e.key, r);
      return;
    }
    const r = this.records.get(e.key);
    if (!r) return;
    if (e.t === "sending") r.txHash = e.txHash;
    else if (e.t === "done") {
      r.state = "done";
      if (e.txHash) r.txHash = e.txHash;
      r.result = e.result;
    } else if (e.t === "failed") {
      r.state = "failed";
      r.failure = { code: e.code, message: e.message };
    }
  }

  /** Append and fsync; the entry is durable when this returns. */
  append(e: JournalEntry): void {
    if (this.fd < 0) throw new ArbiterError("ARBITER_JOURNAL", "the journal is closed");
    try {
      writeSync(this.fd, JSON.stringify(e) + "\n");
      fsyncSync(this.fd);
    } catch (err) {
      throw new ArbiterError("ARBITER_JOURNAL", `cannot write the journal ${this.path}: ${(err as Error).message}`);
    }
    this.apply(e);
  }

  get(key: string): JournalRecord | undefined {
    return this.records.get(key);
  }

  /** Decided rulings neither done, failed nor skipped, oldest first. */
  pending(): JournalRecord[] {
    return [...this.records.values()].filter((r) => r.state === "decided");
  }

  all(): JournalRecord[] {
    return [...this.records.values()];
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
