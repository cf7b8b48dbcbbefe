// One worker thread of bench/rpc-load.ts: opens its share of WebSocket clients over the ramp,
// subscribes each to new blocks and to transfers to one account, and reports to the parent
// every second: open connections, refusals, block-notification lags, heights missed.
import { parentPort, workerData } from "node:worker_threads";
import WebSocket from "ws";

// watch[i]: the account client i watches.
const { url, count, rampMs, watch, localAddresses } = workerData;
const clients = [];
let open = 0;
let refused = 0;
let errors = 0;
let lags = [];
let lost = 0;
let notifications = 0;
let eventNotes = 0;
let stopping = false;

function connect(i) {
  if (stopping) return;
  // Several loopback source addresses, so the per-address cap is tested as a real spread would be.
  const ws = new WebSocket(url, { localAddress: localAddresses[i % localAddresses.length] });
  const c = { ws, lastHeight: 0 };
  clients.push(c);
  ws.on("open", () => {
    c.opened = true;
    open++;
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "nexus_subscribe", params: ["newBlocks"] }));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "nexus_subscribe", params: ["events", { type: "bank.transfer", attributes: { to: watch[i] } }] }));
  });
  ws.on("unexpected-response", () => {
    refused++;
  });
  ws.on("message", (data) => {
    const now = Date.now();
    const m = JSON.parse(data.toString());
    if (m.method !== "nexus_subscription") return;
    const r = m.params.result;
    if (r.header) {
      notifications++;
      lags.push(now - r.header.time);
      if (c.lastHeight !== 0 && r.header.height > c.lastHeight + 1) lost += r.header.height - c.lastHeight - 1;
      c.lastHeight = r.header.height;
    } else eventNotes++;
  });
  ws.on("error", () => {
    errors++;
  });
  ws.on("close", () => {
    if (c.opened) {
      c.opened = false;
      open--;
    }
  });
}

const gap = count > 0 ? rampMs / count : 0;
let made = 0;
const started = Date.now();
const ramp = setInterval(() => {
  const due = Math.min(count, Math.floor((Date.now() - started) / gap) + 1);
  while (made < due) connect(made++);
  if (made >= count) clearInterval(ramp);
}, 20);

const report = setInterval(() => {
  parentPort.postMessage({ open, refused, errors, lags, lost, notifications, eventNotes, made });
  lags = [];
}, 1000);

parentPort.on("message", (m) => {
  if (m !== "stop") return;
  stopping = true;
  clearInterval(ramp);
  clearInterval(report);
  parentPort.postMessage({ open, refused, errors, lags, lost, notifications, eventNotes, made, final: true });
  for (const c of clients) c.ws.terminate();
  setTimeout(() => process.exit(0), 200);
});
