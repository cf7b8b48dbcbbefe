import { Command } from "commander";
import { fromHex } from "../../crypto/hash.ts";
import { verifyStateProof } from "../../state/proof-verify.ts";
import type { ModuleDescription } from "../../modules/manager.ts";
import { NexusClient } from "../../rpc/client.ts";
import { CliError, output, table } from "../util.ts";
import { addModuleCommands } from "../autocli.ts";
import type { CliContext, CliExtension } from "../extension.ts";
import { checkAddress, nodeOption, receiptRows } from "../tx-submit.ts";

/** `nexus tx <module> <msg>`: generated from the modules' message schemas, plus extensions. */
export function txCommand(ctx: CliContext, modules: readonly ModuleDescription[], extensions: readonly CliExtension[]): Command {
  const tx = new Command("tx").description("sign and submit transactions: nexus tx <module> <message> --from <key> …").showHelpAfterError(true);
  addModuleCommands(tx, "tx", modules, extensions, ctx);
  return tx;
}

const HASH = /^(0x)?[0-9a-fA-F]{64}$/;

export function queryCommand(ctx: CliContext, modules: readonly ModuleDescription[], extensions: readonly CliExtension[]): Command {
  const q = new Command("query").alias("q").description("read chain state from a node: built-in reads, and nexus query <module> <query> …").showHelpAfterError(true);
  const fee = ctx.amounts.feeDenom.base;

  q.command("balance")
    .description("an account's balance in one denomination")
    .argument("<address>", "account address (nxs1…)")
    .option("--denom <denom>", "denomination (base units)", fee)
    .addOption(nodeOption())
    .option("--json", "print JSON")
    .action(async (address: string, o: { denom: string; node: string; json?: boolean }) => {
      checkAddress(address, "address");
      const c = await new NexusClient(o.node).getBalance(address, o.denom);
      const shown = ctx.amounts.format(c.amount, c.denom);
      output(o.json, c, () => `${c.amount} ${c.denom}${shown !== `${c.amount} ${c.denom}` ? `  (${shown})` : ""}`);
    });

  q.command("account")
    .description("an account's next nonce and balances")
    .argument("<address>", "account address (nxs1…)")
    .addOption(nodeOption())
    .option("--json", "print JSON")
    .action(async (address: string, o: { node: string; json?: boolean }) => {
      checkAddress(address, "address");
      const a = await new NexusClient(o.node).getAccount(address);
      output(o.json, a, () =>
        table([
          ["address", a.address],
          ["nonce", a.nonce],
          ["balances", a.balances.length ? a.balances.map((b) => `${b.amount} ${b.denom}`).join(", ") : "none"],
        ]),
      );
    });

  q.command("block")
    .description("a block by height or hash")
    .argument("<height|hash>", "block height (number) or block hash (64 hex digits)")
    .addOption(nodeOption())
    .option("--json", "print JSON")
    .action(async (ref: string, o: { node: string; json?: boolean }) => {
      let r: number | string;
      if (/^[0-9]+$/.test(ref) && Number.isSafeInteger(Number(ref))) r = Number(ref);
      else if (HASH.test(ref)) r = ref;
      else throw new CliError("CLI_BAD_ARG", `"${ref}" is neither a block height nor a 64-hex-digit block hash`);
      const b = await new NexusClient(o.node).getBlock(r);
      if (!b) throw new CliError("NOT_FOUND", `no block ${ref} on this node`, "`nexus status` shows the latest height");
      output(o.json, b, () =>
        table([
          ["height", b.header.height],
          ["hash", b.hash],
          ["time", new Date(b.header.time).toISOString()],
          ["chain", b.header.chainId],
          ["proposer", b.header.proposer],
          ["prevHash", b.header.prevHash],
          ["stateRoot", b.header.stateRoot],
          ["txRoot", b.header.txRoot],
          ["resultsRoot", b.header.resultsRoot],
          ["txs", b.txs.length ? `${b.txs.length}\n${b.txs.map((t) => `  ${t}`).join("\n")}` : 0],
        ]),
      );
    });

  q.command("tx")
    .description("a transaction's status and receipt")
    .argument("<hash>", "transaction hash (64 hex digits)")
    .addOption(nodeOption())
    .option("--json", "print JSON")
    .action(async (hash: string, o: { node: string; json?: boolean }) => {
      if (!HASH.test(hash)) throw new CliError("CLI_BAD_ARG", `"${hash}" is not a transaction hash (64 hex digits)`);
      const s = await new NexusClient(o.node).getTx(hash);
      output(o.json, s, () => (s.status === "committed" ? table(receiptRows(s.receipt, ctx.amounts)) : `${hash}: ${s.status === "pending" ? "pending (in the mempool)" : "unknown to this node"}`));
      if (s.status === "unknown" && !o.json) process.exitCode = 1;
    });

  q.command("proof")
    .description("fetch a balance proof and verify it here against the block header's state root")
    .argument("<address>", "account address (nxs1…)")
    .option("--denom <denom>", "denomination (base units)", fee)
    .addOption(nodeOption())
    .option("--json", "print JSON")
    .action(async (address: string, o: { denom: string; node: string; json?: boolean }) => {
      checkAddress(address, "address");
      const client = new NexusClient(o.node);
      const p = await client.proveBalance(address, o.denom);
      // Trust the header, not the proof's own stateRoot field: that is what a light client does.
      const block = await client.getBlock(p.height);
      const root = block?.header.stateRoot ?? (await client.status()).stateRoot;
      const ok = verifyStateProof(fromHex(root), fromHex(p.key), p.value === null ? undefined : fromHex(p.value), p.proof);
      const result = { verified: ok, height: p.height, headerStateRoot: root, key: p.key, value: p.value, proof: p.proof };
      output(o.json, result, () =>
        table([
          ["address", address],
          ["denom", o.denom],
          ["height", p.height],
          ["stateRoot", root],
          ["key", p.key],
          ["value", p.value ?? "(absent: exclusion proof)"],
          ["verified", ok ? "YES: the proof matches the block header's state root" : "NO: the proof does NOT match the state root"],
        ]),
      );
      if (!ok) process.exitCode = 2;
    });

  addModuleCommands(q, "query", modules, extensions, ctx);
  return q;
}

export function statusCommand(): Command {
  return new Command("status")
    .description("the node's chain id, height and state root")
    .addOption(nodeOption())
    .option("--json", "print JSON")
    .action(async (o: { node: string; json?: boolean }) => {
      const s = await new NexusClient(o.node).status();
      output(o.json, s, () =>
        table([
          ["chainId", s.chainId],
          ["height", s.height],
          ["stateRoot", s.stateRoot],
          ["latestBlock", s.latestBlockHash],
          ["blockTime", s.latestBlockTime ? new Date(s.latestBlockTime).toISOString() : "-"],
          ["mempool", `${s.mempoolSize} tx`],
          ["version", s.nodeVersion],
          ...(s.halted ? ([["HALTED", `${s.halted.reason} (restart the node after fixing the cause; see its log)`]] as [string, unknown][]) : []),
        ]),
      );
      // A health check can rely on the exit status: 3 when the node reports a halt.
      if (s.halted) process.exitCode = 3;
    });
}
