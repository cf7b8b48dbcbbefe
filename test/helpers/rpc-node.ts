import { startRpcServer, type RpcServer } from "../../runtime/rpc/server.ts";
import { openTestNode, removeDir, type TestNode } from "./node-harness.ts";

/** A real in-process node serving JSON-RPC on 127.0.0.1 for one describe block: `before` opens it, `after` closes both. */
export function rpcTestNode(): { readonly t: TestNode; readonly server: RpcServer } {
  const box = {} as { t: TestNode; server: RpcServer };
  before(async () => {
    box.t = await openTestNode();
    box.server = await startRpcServer(box.t.node, { host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await box.server.close();
    await box.t.close();
    removeDir(box.t.dir);
  });
  return box;
}
