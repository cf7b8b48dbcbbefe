/**
 * TEST ONLY: `nexus start` composed with fault injection, spawned by e2e tests instead of the
 * CLI so that nothing under runtime/ carries a test switch.
 *
 *   node --import tsx test/helpers/test-node.ts --home <dir> start [--dev] [--rpc-port N] [--block-time MS] [--log-level L]
 *
 * NEXUS_TEST_EQUIVOCATE=1  the validator double-signs prevotes (equivocatingTransport)
 * NEXUS_TEST_HOOKS=1       RPC serves nexus_testPartition (peerBlockingTransport)
 */
import { runNode } from "../../runtime/node/run.ts";
import type { NexusNode } from "../../runtime/node/node.ts";
import type { NodeApi } from "../../runtime/node/node-api.ts";
import type { NodeTransport } from "../../runtime/p2p/transport.ts";
import { nexusApp } from "../../chains/nexus/app.ts";
import { equivocatingTransport, peerBlockingTransport } from "./fault-transports.ts";

function parseArgs(argv: readonly string[]): Parameters<typeof runNode>[1] {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (flag: string): number | undefined => (value(flag) === undefined ? undefined : Number(value(flag)));
  const home = value("--home");
  if (!home || !argv.includes("start")) throw new Error("usage: test-node.ts --home <dir> start [--dev] [--rpc-port N] [--block-time MS] [--log-level L]");
  return { home, dev: argv.includes("--dev"), rpcPort: int("--rpc-port"), blockTimeMs: int("--block-time"), logLevel: value("--log-level") };
}

/** The node as RPC sees it, plus nexus_testPartition: every other member is the node's own, bound to it. */
function withTestPartition(node: NexusNode, blocking: () => ReturnType<typeof peerBlockingTransport> | undefined): NodeApi {
  const testPartition = (peers: string[]): { blocked: number } => {
    const b = blocking();
    if (!b) throw new Error("no BFT transport is running");
    return { blocked: b.blockPeers(peers) };
  };
  return new Proxy(node, {
    get(target, prop) {
      if (prop === "testPartition") return testPartition;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as NodeApi;
}

const equivocate = process.env.NEXUS_TEST_EQUIVOCATE === "1";
const hooks = process.env.NEXUS_TEST_HOOKS === "1";
let blocking: ReturnType<typeof peerBlockingTransport> | undefined;

await runNode(nexusApp, parseArgs(process.argv.slice(2)), {
  transport(t, { chainId, signer }): NodeTransport {
    let wire = t;
    if (equivocate) {
      console.warn("NEXUS_TEST_EQUIVOCATE=1: this validator double-signs prevotes and will be slashed");
      wire = equivocatingTransport(wire, chainId, signer);
    }
    if (hooks) wire = blocking = peerBlockingTransport(wire);
    return wire;
  },
  api: hooks ? (node): NodeApi => withTestPartition(node, () => blocking) : undefined,
});
