/** Names of a snapshot's parts on the wire (transport SnapshotSource.part): append only. */
export const PART = {
  manifest: "manifest",
  block: "block",
  commit: "commit",
  chunk: (slot: number): string => `chunk/${slot}`,
  /** A consensus record (runtime/consensus/engine/valset.ts): served for the snapshot's height and the next. */
  valset: (height: number): string => `valset/${height}`,
} as const;

/** A part name taken apart, or undefined for a name this node does not serve. */
export function parsePart(name: string): { kind: "manifest" | "block" | "commit" } | { kind: "chunk"; slot: number } | { kind: "valset"; height: number } | undefined {
  if (name === PART.manifest || name === PART.block || name === PART.commit) return { kind: name };
  const m = /^(chunk|valset)\/(0|[1-9][0-9]{0,14})$/.exec(name);
  if (!m) return undefined;
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n)) return undefined;
  return m[1] === "chunk" ? { kind: "chunk", slot: n } : { kind: "valset", height: n };
}
