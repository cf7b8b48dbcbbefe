import { Command, Option } from "commander";
import type { CliExtension } from "../../runtime/cli/extension.ts";
import { addTxOptions, checkAddress, loadKey, signAndSubmit, type TxOptions } from "../../runtime/cli/tx-submit.ts";
import { CliError, intOption } from "../../runtime/cli/util.ts";
import { NexusClient } from "../../runtime/rpc/client.ts";
import { dexMsg } from "./client.ts";

interface SwapOptions extends TxOptions {
  via: string[];
  minOut?: string;
  slippageBps: number;
  deadlineIn: number;
  receiver?: string;
}

/**
 * `nexus tx dex swap alice 10NXT devusd`: the exact-input swap as a wallet offers it. The
 * minimum output is the node's quote less --slippage-bps (unless --min-out names it), and the
 * deadline is --deadline-in seconds from now; the generated `tx dex swap-exact-in` takes every
 * field as it is.
 */
export const dexSwapCommand: CliExtension = {
  parent: "tx",
  module: "dex",
  build: (ctx) =>
    addTxOptions(
      new Command("swap")
        .description("swap an exact amount along a route for at least the quoted output less a slippage tolerance; waits for the receipt unless --no-wait")
        .argument("<from-key>", "name of the signing key in <home>/keys")
        .argument("<amount-in>", 'what to pay: "10NXT" (display units) or "1000000000nxt" (base units of any denomination)')
        .argument("<to-denom>", "denomination to receive")
        .option("--via <denom...>", "denominations to route through, in order (default: the direct pool)", [])
        .option("--min-out <amount>", "least output to accept, in base units of <to-denom> (default: the quote less --slippage-bps)")
        .addOption(new Option("--slippage-bps <n>", "tolerated shortfall below the quote, in basis points (50 = 0.5%)").argParser(intOption("--slippage-bps")).default(50))
        .addOption(new Option("--deadline-in <seconds>", "refuse the swap in a block later than this many seconds from now").argParser(intOption("--deadline-in")).default(1200))
        .option("--receiver <address>", "who receives the output (default: the sender)"),
    ).action(async (from: string, amountText: string, toDenom: string, o: SwapOptions, cmd: Command) => {
      const { amount, denom } = ctx.amounts.parse(amountText);
      const route = [denom, ...o.via, toDenom];
      if (o.receiver) checkAddress(o.receiver, "--receiver");
      if (o.slippageBps < 0 || o.slippageBps > 10_000) throw new CliError("CLI_BAD_OPTION", `--slippage-bps ${o.slippageBps} is not between 0 and 10000`, "50 means 0.5%");
      let minOut: bigint;
      if (o.minOut !== undefined) {
        if (!/^(0|[1-9][0-9]*)$/.test(o.minOut)) throw new CliError("CLI_BAD_OPTION", `--min-out ${o.minOut} is not an amount in base units`, `e.g. --min-out 9950000`);
        minOut = BigInt(o.minOut);
      } else {
        const q = (await new NexusClient(o.node, { timeoutMs: 10_000 }).query("dex/quoteExactIn", { route, amountIn: amount.toString() })) as { amounts: string[] };
        const quoted = BigInt(q.amounts.at(-1)!);
        minOut = (quoted * BigInt(10_000 - o.slippageBps)) / 10_000n;
      }
      const key = await loadKey(cmd, from, o);
      // The CLI may read the wall clock: the chain compares the deadline with block time.
      const deadline = Math.floor(Date.now() / 1000) + o.deadlineIn;
      await signAndSubmit(key, [dexMsg.swapExactIn(key.address, route, amount, minOut, deadline, o.receiver)], o, ctx.amounts);
    }),
};

export const dexCli: readonly CliExtension[] = [dexSwapCommand];
