import { expect } from "chai";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { fetchDocument, gatherEvidence, verifyEvidence, type EvidenceOptions } from "./evidence.ts";
import type { ArbitrationCase, EvidenceItem } from "../../plugins/arbiters/decider.ts";

const sha = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");
const DOC = Buffer.from(JSON.stringify({ side: "plaintiff", credibility: 0.8, support: 0.9, statement: "the incident report" }));

describe("arbiter evidence fetching (services/arbiter/evidence.ts)", function () {
  this.timeout(10_000);
  let server: Server;
  let base = "";
  let dir = "";
  let o: EvidenceOptions;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "arbiter-evidence-"));
    mkdirSync(join(dir, "roots"));
    writeFileSync(join(dir, "roots", "doc.json"), DOC);
    writeFileSync(join(dir, "outside.json"), DOC);
    writeFileSync(join(dir, "roots", "big.json"), Buffer.alloc(5000, 32));
    server = createServer((req, res) => {
      const u = req.url ?? "/";
      if (u === "/doc.json") return void res.writeHead(200, { "content-type": "application/json" }).end(DOC);
      if (u === "/big-declared") return void res.writeHead(200, { "content-length": "5000" }).end(Buffer.alloc(5000, 32));
      if (u === "/big-chunked") {
        res.writeHead(200, { "content-type": "application/json" }); // no content-length: chunked
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000, 32));
        return void res.end();
      }
      if (u === "/slow") return void setTimeout(() => res.writeHead(200).end(DOC), 2000);
      if (u === "/not-json") return void res.writeHead(200).end("hello");
      if (u === "/wrong-shape") return void res.writeHead(200).end(JSON.stringify({ side: "plaintiff", credibility: 2, support: 0.5, statement: "x" }));
      res.writeHead(404).end("no");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    o = { maxBytes: 4096, timeoutMs: 300, fileRoots: [join(dir, "roots")], maxDocuments: 3 };
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });
  const item = (uri: string, hash = sha(DOC)): EvidenceItem => ({ hash, uri, party: "plaintiff" });
  const why = async (uri: string, hash?: string): Promise<string> => {
    const r = await verifyEvidence(item(uri, hash), 0, o);
    return r.ok ? "ok" : r.v.reason;
  };

  it("accepts a document over http and over file:// (under fileRoots) whose bytes hash to the on-chain hash", async () => {
    const a = await verifyEvidence(item(`${base}/doc.json`), 0, o);
    expect(a.ok).to.equal(true);
    expect(a.ok && a.v.doc).to.deep.equal({ side: "plaintiff", credibility: 0.8, support: 0.9, statement: "the incident report" });
    expect(await why(pathToFileURL(join(dir, "roots", "doc.json")).href)).to.equal("ok");
    expect(await why(`${base}/doc.json`, sha(DOC).toUpperCase())).to.equal("ok");
  });

  it("a hash mismatch is ignored", async () => {
    expect(await why(`${base}/doc.json`, sha("something else"))).to.equal("hash-mismatch");
    expect(await why(pathToFileURL(join(dir, "roots", "doc.json")).href, "00".repeat(32))).to.equal("hash-mismatch");
  });

  it("too big: by Content-Length, by bytes read (chunked), by file size", async () => {
    expect(await why(`${base}/big-declared`)).to.equal("too-large");
    expect(await why(`${base}/big-chunked`)).to.equal("too-large");
    expect(await why(pathToFileURL(join(dir, "roots", "big.json")).href)).to.equal("too-large");
  });

  it("unreachable, timeout, HTTP errors, missing files", async () => {
    expect(await why("http://127.0.0.1:1/doc.json")).to.equal("unreachable");
    const t0 = Date.now();
    expect(await why(`${base}/slow`)).to.equal("timeout");
    expect(Date.now() - t0).to.be.below(1500);
    expect(await why(`${base}/missing`)).to.equal("http-status");
    expect(await why(pathToFileURL(join(dir, "roots", "nope.json")).href)).to.equal("unreachable");
  });

  it("file:// outside fileRoots (also through ..), or with no roots, is refused; other schemes are bad URIs", async () => {
    expect(await why(pathToFileURL(join(dir, "outside.json")).href)).to.equal("file-not-allowed");
    expect(await why(`file://${join(dir, "roots")}/../outside.json`)).to.equal("file-not-allowed");
    const r = await fetchDocument(pathToFileURL(join(dir, "roots", "doc.json")).href, { ...o, fileRoots: [] });
    expect(r.ok ? "ok" : r.reason).to.equal("file-not-allowed");
    expect(await why("ftp://example.org/x.json")).to.equal("bad-uri");
    expect(await why("not a uri")).to.equal("bad-uri");
  });

  it("bytes that hash right but are not a valid document are ignored as bad-document", async () => {
    expect(await why(`${base}/not-json`, sha("hello"))).to.equal("bad-document");
    const wrong = JSON.stringify({ side: "plaintiff", credibility: 2, support: 0.5, statement: "x" });
    expect(await why(`${base}/wrong-shape`, sha(wrong))).to.equal("bad-document");
  });

  it("gathers a case's evidence in order, capped at maxDocuments", async () => {
    const ev = [item(`${base}/doc.json`), item(`${base}/doc.json`, "00".repeat(32)), item(`${base}/missing`), item(`${base}/doc.json`)];
    const r = await gatherEvidence({ id: 1, evidence: ev } as unknown as ArbitrationCase, o);
    expect(r.documents.map((d) => d.index)).to.deep.equal([0]);
    expect(r.ignored.map((i) => [i.index, i.reason])).to.deep.equal([[1, "hash-mismatch"], [2, "http-status"], [3, "too-many"]]);
  });
});
