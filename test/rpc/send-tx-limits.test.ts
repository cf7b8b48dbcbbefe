import { expect } from "chai";
import { rpcTestNode } from "../helpers/rpc-node.ts";

/** nexus_sendTx against a real node: the size limit answers with its own code, never an internal error. */
describe("rpc: nexus_sendTx size and shape limits on a real node", function () {
  this.timeout(60_000);
  const fixture = rpcTestNode();
  const call = async (tx: string): Promise<{ error?: { code: number; message: string; data?: { code?: string } } }> => {
    const r = await fetch(fixture.server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "nexus_sendTx", params: [tx] }) });
    return (await r.json()) as { error?: { code: number; message: string; data?: { code?: string } } };
  };

  it("10 MB of hex is TX_TOO_LARGE (its own code), not -32603 from a regex that overflows the stack", async () => {
    const r = await call("0x" + "ab".repeat(5 * 1024 * 1024)); // 10 MB of hex digits
    expect(r.error?.data?.code, r.error?.message).to.equal("TX_TOO_LARGE");
    expect(r.error?.code).to.equal(-32007);
  });

  it("odd-length or empty hex is an invalid param naming the field", async () => {
    for (const bad of ["0xabc", "0x", ""]) {
      const r = await call(bad);
      expect(r.error?.code, bad).to.equal(-32602);
      expect(r.error?.message, bad).to.match(/tx must be whole bytes of hex/);
    }
    expect((await call("0xzz")).error?.code).to.equal(-32602);
  });
});
