// scratch: quick throughput probe
import { openBenchNode, benchSigner, transfer } from "./lib/fixtures.ts";
const senders = 1000, per = 30;
const { node } = await openBenchNode({ senders, blockTimeMs: 1000 });
const txs = [];
let t0 = Date.now();
const S = Array.from({length: senders + 1}, (_, i) => benchSigner(i));
for (let n = 0; n < per; n++) for (let i = 0; i < senders; i++) txs.push(transfer(S[i]!, S[i + 1]!.address, 1n, BigInt(n)));
console.log("signed", txs.length, "in", Date.now() - t0, "ms");
let committed = 0, first = 0;
node.subscribe((e) => { committed += e.block.txs.length; if (!first) first = Date.now(); console.log("block", e.block.header.height, e.block.txs.length, Date.now() - t0); });
const orig = node.produceBlock.bind(node);
(node as any).produceBlock = async () => { const t = performance.now(); const r = await orig(); console.log('  produceBlock ms', Math.round(performance.now() - t)); return r; };
const origC = node.commitBlock.bind(node);
(node as any).commitBlock = (...a: any[]) => { const t = performance.now(); const r = (origC as any)(...a); console.log('  commitBlock ms', Math.round(performance.now() - t)); return r; };
const origE = node.app.executeBlock.bind(node.app);
(node.app as any).executeBlock = (...a: any[]) => { const t = performance.now(); const r = (origE as any)(...a); console.log('  executeBlock ms', Math.round(performance.now() - t)); return r; };
node.start();
t0 = Date.now();
const chunk = 500; const inflight: Promise<unknown>[] = [];
for (let i = 0; i < txs.length; i += chunk) {
  inflight.push(Promise.all(txs.slice(i, i + chunk).map((d) => node.submitTx(d.bytes))));
  if (inflight.length >= Number(process.env.WINDOW ?? 20)) await inflight.shift();
}
await Promise.all(inflight);
console.log("submitted all in", Date.now() - t0);
while (committed < txs.length) await new Promise((r) => setTimeout(r, 50));
const el = Date.now() - t0;
console.log("committed", committed, "in", el, "ms =>", Math.round(committed / (el / 1000)), "tx/s");
await node.stop();
