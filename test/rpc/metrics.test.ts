import { expect } from "chai";
import { startRpcServer, type RpcServer } from "../../runtime/rpc/server.ts";
import { NexusWsClient } from "../../runtime/rpc/client.ts";
import { FakeNode } from "./fake-node.ts";

/** The value of an unlabelled sample in a Prometheus text exposition. */
function sample(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no sample ${name} in:\n${text.slice(0, 400)}`);
  return Number(line.slice(name.length + 1));
}

describe("rpc/metrics: GET /metrics in Prometheus format", () => {
  let node: FakeNode;
  let server: RpcServer;
  beforeEach(async () => {
    node = new FakeNode();
    server = await startRpcServer(node, { host: "127.0.0.1", port: 0, gauges: { peers: () => 3, verifyQueue: () => 17 } });
  });
  afterEach(async () => server.close());

  const scrape = async (): Promise<string> => {
    const res = await fetch(new URL("/metrics", server.url));
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.contain("text/plain");
    return res.text();
  };

  it("reports health, height, blocks, RPC load and the node's own gauges; nexus_up drops to 0 on a halt", async () => {
    const ws = await NexusWsClient.connect(server.wsUrl);
    await ws.subscribeNewBlocks(() => {});
    node.produceBlock();
    node.produceBlock();
    const m = await scrape();
    expect(sample(m, "nexus_up")).to.equal(1);
    expect(sample(m, "nexus_height")).to.equal(2);
    expect(sample(m, "nexus_blocks_total")).to.equal(2);
    expect(sample(m, "nexus_block_interval_seconds_count")).to.equal(1);
    expect(sample(m, "nexus_mempool_txs")).to.equal(0);
    expect(sample(m, "nexus_rpc_ws_connections")).to.equal(1);
    expect(sample(m, "nexus_rpc_subscriptions")).to.equal(1);
    expect(sample(m, "nexus_p2p_peers")).to.equal(3);
    expect(sample(m, "nexus_verify_queue")).to.equal(17);
    expect(m).to.match(/^nexus_process_resident_memory_bytes \d+/m);
    expect(m).to.not.match(/^nexus_halted\{/m);
    node.halted = { reason: "invariant broken: total-supply" };
    const h = await scrape();
    expect(sample(h, "nexus_up")).to.equal(0);
    expect(h).to.contain('nexus_halted{reason="invariant broken: total-supply"} 1');
    await ws.close();
  });
});
