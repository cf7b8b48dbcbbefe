import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Attestation } from "../../modules/bhls/attestation.ts";
import { AttestorError } from "./errors.ts";

/**
 * The attestor's durable journal: one JSON object per line, appended and fsync'd before the
 * call returns. It holds no phone number (attestations carry only the salted hash).
 *
 *   {"t":"attested","id","at","attestation","attestorPubKey","signature","submit"}  written BEFORE any submission
 *   {"t":"sending","id","txHash"}    the signed transaction about to be sent (so a restart can look it up)
 *   {"t":"done","id","txHash","result":"registered"|"already-registered"}
 *   {"t":"failed","id","code","message"}   the chain refused it for good (not retried)
 *
 * The crash rule: an "attested" entry with submit=true and neither "done" nor "failed" after it
 * is pending; on start-up (and periodically) the service looks up its last txHash and
 * resubmits it if the chain has not seen it. BHLS_ALREADY_REGISTERED counts as done, so a
 * crash anywhere between the journal write and the receipt neither loses a registration nor
 * registers it twice.
 */
export interface AttestedEntry {
  t: "attested";
  id: string;
  at: number;
  attestation: Attestation;
  attestorPubKey: string;
  signature: string;
  submit: boolean;
}
export type JournalEntry =
  | AttestedEntry
  | { t: "sending"; id: string; txHash: string }
  | { t: "done"; id: string; txHash: string; result: "registered" | "already-registered" }
  | { t: "failed"; id: string; code: string; message: string };

export interface JournalRecord {
  attested: AttestedEntry;
  txHash?: string;
  state: "pending" | "done" | "failed" | "not-submitted";
  result?: string;
  failure?: { code: string; message: string };
}

export class Journal {
  private fd: number;
  private readonly records = new Map<string, JournalRecord>();
  /** Lines that could not be parsed when opening (a torn last write). */
  readonly skipped: number;

  private constructor(
    readonly path: string,
    fd: number,
    skipped: number,
  ) {
    this.fd = fd;
    this.skipped = skipped;
  }

  static open(path: string): Journal {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    let text = "";
    if (existsSync(path)) {
      try {
        text = readFileSync(path, "utf8");
      } catch (e) {
        throw new AttestorError("ATTESTOR_JOURNAL", `cannot read the journal ${path}: ${(e as Error).message}`);
      }
    }
    let fd: number;
    try {
      fd = openSync(path, "a", 0o600);
    } catch (e) {
      throw new AttestorError("ATTESTOR_JOURNAL", `cannot open the journal ${path} for appending: ${(e as Error).message}`);
    }
    // A crash in the middle of a write leaves a line without its newline: end it, so the next entry starts clean.
    if (text.length > 0 && !text.endsWith("\n")) {
      writeSync(fd, "\n");
      fsyncSync(fd);
    }
    let skipped = 0;
    const entries: JournalEntry[] = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        skipped++;
      }
    }
    const j = new Journal(path, fd, skipped);
    for (const e of entries) j.apply(e);
    return j;
  }

  private apply(e: JournalEntry): void {
    if (e.t === "attested") {
      this.records.set(e.id, { attested: e, state: e.submit ? "pending" : "not-submitted" });
      return;
    }
    const r = this.records.get(e.id);
    if (!r) return;
    if (e.t === "sending") r.txHash = e.txHash;
    else if (e.t === "done") {
      r.state = "done";
      r.txHash = e.txHash;
      r.result = e.result;
    } else if (e.t === "failed") {
      r.state = "failed";
      r.failure = { code: e.code, message: e.message };
    }
  }

  /** Append and fsync; the entry is durable when this returns. */
  append(e: JournalEntry): void {
    if (this.fd < 0) throw new AttestorError("ATTESTOR_JOURNAL", "the journal is closed");
    try {
      writeSync(this.fd, JSON.stringify(e) + "\n");
      fsyncSync(this.fd);
    } catch (err) {
      throw new AttestorError("ATTESTOR_JOURNAL", `cannot write the journal ${this.path}: ${(err as Error).message}`);
    }
    this.apply(e);
  }

  get(id: string): JournalRecord | undefined {
    return this.records.get(id);
  }

  /** Attestations to submit that are neither done nor failed, oldest first. */
  pending(): JournalRecord[] {
    return [...this.records.values()].filter((r) => r.state === "pending");
  }

  all(): JournalRecord[] {
    return [...this.records.values()];
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
