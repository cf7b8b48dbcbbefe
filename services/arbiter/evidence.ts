import { createHash } from "node:crypto";
import { open, realpath } from "node:fs/promises";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";
import { createAjv, describeAjvErrors } from "../../runtime/modules/schemas.ts";
import { evidenceDocumentSchema, type ArbitrationCase, type EvidenceDocument, type EvidenceItem, type IgnoredEvidence, type VerifiedEvidence } from "../../plugins/arbiters/decider.ts";

/**
 * Fetching the evidence of a case: each item's uri (http://, https:// or file://) is read, at
 * most maxBytes, within timeoutMs; its bytes must hash (sha256) to the on-chain hash, then
 * parse as UTF-8 JSON of the evidence document schema. Anything else is ignored, with a reason:
 *
 *   bad-uri          not http(s):// or file://, or not a URL
 *   file-not-allowed a file:// path outside evidence.fileRoots (or file:// disabled)
 *   unreachable      connection refused, DNS failure, no such file
 *   timeout          no complete answer within timeoutMs
 *   http-status      an HTTP status other than 200
 *   too-large        more than maxBytes (by Content-Length, file size, or bytes read)
 *   hash-mismatch    the bytes do not hash to the on-chain hash (the document changed, or is not the one filed)
 *   bad-document     not UTF-8 JSON of { side, credibility, support, statement }
 */
export interface EvidenceOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Absolute directories file:// may read under; [] = none. */
  fileRoots: string[];
  maxDocuments: number;
  signal?: AbortSignal;
  /** Tests: the fetch to use. */
  fetch?: typeof fetch;
}

export type FetchOutcome = { ok: true; bytes: Uint8Array } | { ok: false; reason: string; detail: string };

let validateDoc: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

class TooLarge extends Error {}

async function readCapped(body: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let n = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > max) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge(`more than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function fetchHttp(uri: string, o: EvidenceOptions): Promise<FetchOutcome> {
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort(new Error("timeout"));
  }, o.timeoutMs);
  const onOuter = (): void => ac.abort(o.signal!.reason);
  o.signal?.addEventListener("abort", onOuter, { once: true });
  try {
    const res = await (o.fetch ?? fetch)(uri, { signal: ac.signal, redirect: "follow", headers: { accept: "application/json" } });
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, reason: "http-status", detail: `HTTP ${res.status}` };
    }
    const len = Number(res.headers.get("content-length"));
    if (Number.isFinite(len) && len > o.maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, reason: "too-large", detail: `Content-Length ${len} > ${o.maxBytes} bytes` };
    }
    return { ok: true, bytes: await readCapped(res.body, o.maxBytes) };
  } catch (e) {
    if (o.signal?.aborted) throw o.signal.reason;
    if (e instanceof TooLarge) return { ok: false, reason: "too-large", detail: e.message };
    if (timedOut) return { ok: false, reason: "timeout", detail: `no complete answer within ${o.timeoutMs} ms` };
    const err = e as Error & { cause?: { code?: string; message?: string } };
    return { ok: false, reason: "unreachable", detail: err.cause?.code ?? err.cause?.message ?? err.message };
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener("abort", onOuter);
  }
}

async function fetchFile(url: URL, o: EvidenceOptions): Promise<FetchOutcome> {
  if (o.fileRoots.length === 0) return { ok: false, reason: "file-not-allowed", detail: "file:// evidence is disabled (evidence.fileRoots is empty)" };
  let path: string;
  try {
    path = await realpath(fileURLToPath(url));
  } catch (e) {
    return { ok: false, reason: "unreachable", detail: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
  const roots = await Promise.all(o.fileRoots.map((r) => realpath(r).catch(() => r)));
  if (!roots.some((r) => path === r || path.startsWith(r.endsWith(sep) ? r : r + sep))) return { ok: false, reason: "file-not-allowed", detail: "outside evidence.fileRoots" };
  let fh;
  try {
    fh = await open(path, "r");
  } catch (e) {
    return { ok: false, reason: "unreachable", detail: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { ok: false, reason: "unreachable", detail: "not a regular file" };
    if (st.size > o.maxBytes) return { ok: false, reason: "too-large", detail: `${st.size} bytes > ${o.maxBytes}` };
    const buf = Buffer.alloc(o.maxBytes + 1);
    const { bytesRead } = await fh.read(buf, 0, o.maxBytes + 1, 0);
    if (bytesRead > o.maxBytes) return { ok: false, reason: "too-large", detail: `more than ${o.maxBytes} bytes` };
    return { ok: true, bytes: buf.subarray(0, bytesRead) };
  } finally {
    await fh.close();
  }
}

/** The bytes an evidence uri serves, or why not. */
export async function fetchDocument(uri: string, o: EvidenceOptions): Promise<FetchOutcome> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { ok: false, reason: "bad-uri", detail: "not a URL" };
  }
  if (url.protocol === "http:" || url.protocol === "https:") return fetchHttp(uri, o);
  if (url.protocol === "file:") return fetchFile(url, o);
  return { ok: false, reason: "bad-uri", detail: `scheme ${url.protocol} is not http(s) or file` };
}

/** Parse and validate an evidence document's bytes. */
export function parseDocument(bytes: Uint8Array): { ok: true; doc: EvidenceDocument } | { ok: false; detail: string } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, detail: "not UTF-8" };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, detail: "not JSON" };
  }
  validateDoc ??= createAjv().compile(evidenceDocumentSchema);
  if (!validateDoc(json)) return { ok: false, detail: describeAjvErrors(validateDoc.errors, "document") };
  return { ok: true, doc: json as EvidenceDocument };
}

/** One item: fetched, hash-checked, parsed. */
export async function verifyEvidence(item: EvidenceItem, index: number, o: EvidenceOptions): Promise<{ ok: true; v: VerifiedEvidence } | { ok: false; v: IgnoredEvidence }> {
  const got = await fetchDocument(item.uri, o);
  if (!got.ok) return { ok: false, v: { item, index, reason: got.reason, detail: got.detail } };
  const hash = createHash("sha256").update(got.bytes).digest("hex");
  if (hash !== item.hash.toLowerCase()) return { ok: false, v: { item, index, reason: "hash-mismatch", detail: `sha256 ${hash}, on chain ${item.hash}` } };
  const p = parseDocument(got.bytes);
  if (!p.ok) return { ok: false, v: { item, index, reason: "bad-document", detail: p.detail } };
  return { ok: true, v: { item, index, doc: p.doc } };
}

/** Every item of a case (the first maxDocuments, fetched in parallel), in case order. */
export async function gatherEvidence(c: ArbitrationCase, o: EvidenceOptions): Promise<{ documents: VerifiedEvidence[]; ignored: IgnoredEvidence[] }> {
  const items = c.evidence ?? [];
  const results = await Promise.all(items.slice(0, o.maxDocuments).map((it, i) => verifyEvidence(it, i, o)));
  const documents: VerifiedEvidence[] = [];
  const ignored: IgnoredEvidence[] = [];
  for (const r of results) {
    if (r.ok) documents.push(r.v);
    else ignored.push(r.v);
  }
  items.slice(o.maxDocuments).forEach((item, k) => ignored.push({ item, index: o.maxDocuments + k, reason: "too-many", detail: `more than evidence.maxDocuments (${o.maxDocuments}) items` }));
  return { documents, ignored };
}
