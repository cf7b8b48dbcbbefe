import type { Command } from "commander";
import type { Amounts } from "../rpc/amounts.ts";
import type { ChainApp } from "../node/chain-app.ts";

/** What a CLI extension gets: the chain and its amount parser. */
export interface CliContext {
  readonly app: ChainApp;
  readonly amounts: Amounts;
}

/**
 * A command a chain or module adds to the `nexus` tree: under `tx <module>` or
 * `query <module>` it replaces the generated command of the same name (a friendlier form,
 * e.g. `tx bank send alice $BOB 1.5NXT`), or adds one; under "root" it adds a top-level one.
 */
export interface CliExtension {
  readonly parent: "tx" | "query" | "root";
  /** The module group it belongs to (tx and query only). */
  readonly module?: string;
  build(ctx: CliContext): Command;
}
