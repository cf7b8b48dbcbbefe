import { expect } from "chai";
import { testSigner } from "../helpers/node-harness.ts";
import { rpcTestNode } from "../helpers/rpc-node.ts";
import { signedSend } from "../helpers/txs.ts";
import { NexusClient, RpcClientError } from "../../runtime/rpc/client.ts";

/** A node that halted says so: status carries the reason, and transactions are refused with their own code. */
describe("node: a halted node reports the halt and refuses transactions", function () {
  this.timeout(30_000);
  const fixture = rpcTestNode();

  it("before a halt, status has no halt and a transfer is admitted", async () => {
    expect(fixture.t.node.status().halted).to.equal(undefined);
    await fixture.t.node.submitTx(signedSend(testSigner(0), testSigner(1).address, 5n, 0n).bytes);
  });

  it("after it, nexus_status shows the first reason and nexus_sendTx answers NODE_HALTED", async () => {
    fixture.t.node.halt("block production failed: disk full");
    fixture.t.node.halt("a later reason is not the cause");
    process.exitCode = undefined; // halt() sets it for the process; this test process is not the node's
    const client = new NexusClient(fixture.server.url);
    expect((await client.status()).halted).to.deep.equal({ reason: "block production failed: disk full" });
    const err = await client.sendTx(signedSend(testSigner(0), testSigner(1).address, 5n, 1n).bytes).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RpcClientError);
    expect((err as RpcClientError).codeName).to.equal("NODE_HALTED");
    expect((err as Error).message).to.contain("halted (block production failed: disk full)");
  });
});
