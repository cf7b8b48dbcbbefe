import type { ChainDefinition } from "../modules/chain.ts";
import type { CliExtension } from "../cli/extension.ts";
import type { NexusPlugin } from "../plugins/plugin.ts";

/**
 * Everything a chain's binary hands the generic node and CLI: the chain, where the binary
 * lives (a devnet starts one process of it per validator), the network identity its
 * transport needs in a home, and CLI commands the chain adds to the generated ones.
 * chains/nexus/app.ts is the reference chain's.
 */
export interface ChainApp {
  readonly chain: ChainDefinition;
  /** Absolute path of the binary's entry module (run with `node --import tsx`). */
  readonly entry: string;
  /**
   * Create (or load) the p2p identity of a node home and return the address peers dial to
   * reach it on host:port (a multiaddr with /p2p/<peer id> for libp2p).
   */
  p2pIdentity(home: string, host: string, port: number): Promise<string>;
  /** The example module `new-module` copies, and where the chain's module list lives. */
  readonly moduleTemplate: { readonly dir: string; readonly name: string; readonly root: string; readonly chainFile: string };
  /**
   * The plugins a node of this chain may load (transports, signature schemes…), by id from its
   * config. A function, so commands that run no node never import them.
   */
  plugins(): Promise<readonly NexusPlugin[]>;
  /** Friendlier commands that replace or add to the ones generated from message schemas. */
  readonly cli?: readonly CliExtension[];
}
