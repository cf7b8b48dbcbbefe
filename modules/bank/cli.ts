import { Command } from "commander";
import type { CliExtension } from "../../runtime/cli/extension.ts";
import { addTxOptions, checkAddress, loadKey, signAndSubmit, type TxOptions } from "../../runtime/cli/tx-submit.ts";
import { sendMsg } from "./client.ts";

/**
 * `nexus tx bank send alice $BOB 1.5NXT`: the friendlier form of the generated
 * `tx bank send --from alice --to … --amount …`, which it replaces.
 */
export const bankSendCommand: CliExtension = {
  parent: "tx",
  module: "bank",
  build: (ctx) =>
    addTxOptions(
      new Command("send")
        .description("transfer tokens; waits for the receipt unless --no-wait")
        .argument("<from-key>", "name of the sending key in <home>/keys")
        .argument("<to-address>", "recipient address (nxs1…)")
        .argument("<amount>", 'amount: "1.5NXT" (display units) or "150000000nxt" (base units)'),
    ).action(async (from: string, to: string, amountText: string, o: TxOptions, cmd: Command) => {
      const { amount, denom } = ctx.amounts.parse(amountText);
      checkAddress(to, "recipient");
      const key = await loadKey(cmd, from, o);
      await signAndSubmit(key, [sendMsg(key.address, to, amount, denom)], o, ctx.amounts);
    }),
};

export const bankCli: readonly CliExtension[] = [bankSendCommand];
