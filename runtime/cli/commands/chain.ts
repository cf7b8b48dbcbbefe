import { Command, Option } from "commander";
import { decodeAddress } from "../../crypto/address.ts";
import { fromHex } from "../../crypto/hash.ts";
import { parseBand, bandName } from "../../tx/bands.ts";
import { verifyStateProof } from "../../state/proof-verify.ts";
import type { ReceiptView } from "../../node/node-api.ts";
import { NexusClient, DEFAULT_RPC_URL, buildSendTx, parseAmount, formatAmount } from "../../rpc/client.ts";
import { CliError, bigintOption, getPassphrase, intOption, keyring, output, table } from "../util.ts";

function nodeOption(): Option {
  return new Option("--node <url>", "JSON-RPC endpoint of the node").env("NEXUS_NODE").default(DEFAULT_RPC_URL);
}

function checkAddress(a: string, what: string): void {
  try {
    decodeAddress(a);
  } catch (e) {
    throw new CliError("ADDRESS_INVALID", `${what}: ${(e as Error).message}`, "NexusOS addresses look like nxs1…; `nexus keys show <name> --address` prints one");
  }
}

function receiptRows(r: ReceiptView): [string, unknown][] {
  return [
    ["tx", r.txHash],
    ["result", r.code === 0 ? "OK" : `FAILED ${r.codeName} (code ${r.code})`],
    ...(r.code !== 0 && r.log ? ([["log", r.log]] as [string, unknown][]) : []),
    ["height", r.height],
    ["index", r.index],
    ["sender", r.sender],
    ["nonce", r.nonce],
    ["band", `${r.band} ${bandName(r.band)}`],
    ["fee", `${r.fee} nxt (${formatAmount(r.fee, "nxt")})`],
    ["energy", `${r.energyAj} aJ`],
    ["events", r.events.length ? r.events.map((e) => `${e.type}{${Object.entries(e.attributes).map(([k, v]) => `${k}=${v}`).join(", ")}}`).join("\n        ") : "-"],
  ];
}

export function txCommand(): Command {
  const tx = new Command("tx").description("sign and submit transactions");
  const bank = tx.command("bank").description("bank module transactions");
  bank
    .command("send")
    .description("transfer tokens; waits for the receipt unless --no-wait")
    .argument("<from-key>", "name of the sending key in <home>/keys")
    .argument("<to-address>", "recipient address (nxs1…)")
    .argument("<amount>", 'amount: "1.5NXT" (display units) or "150000000nxt" (base units)')
    .addOption(nodeOption())
    .option("--tip <nxt>", "priority tip in base units, on top of the E=h·f fee (default 0)", bigintOption("--tip"))
    .option("--fee-limit <nxt>", "fixed fee limit in base units (default: the exact fee of the transaction)", bigintOption("--fee-limit"))
    .option("--band <band>", "spectral band (NANO..PLANCK or 1..7)", "NANO")
    .option("--memo <text>", "memo (up to 256 characters)", "")
    .option("--nonce <n>", "nonce to use (default: the account's next nonce from the node)", bigintOption("--nonce"))
    .option("--no-wait", "return after the node accepts the transaction, without waiting for the receipt")
    .option("--timeout <ms>", "how long to wait for the receipt", intOption("--timeout"), 30_000)
    .option("--passphrase-file <file>", "read the key's passphrase from this file (else NEXUS_PASSPHRASE, else a prompt)")
    .option("--dev", "unlock a dev key (made by `nexus init --dev`) with the documented insecure dev passphrase")
    .option("--json", "print JSON")
    .action(async (from: string, to: string, amountText: string, o: SendOpts, cmd: Command) => {
      const { amount, denom } = parseAmount(amountText);
      checkAddress(to, "recipient");
      const band = parseBand(o.band);
      const kr = keyring(cmd);
      const info = kr.show(from);
      const signer = kr.loadSigner(from, await getPassphrase(o, { keyName: from, keyIsDev: info.dev }));
      const client = new NexusClient(o.node);
      const [status, account] = await Promise.all([client.status(), o.nonce === undefined ? client.getAccount(info.address) : undefined]);
      const nonce = o.nonce ?? BigInt(account!.nonce);
      const signed = buildSendTx({ chainId: status.chainId, signer, nonce, to, amount, denom, tip: o.tip ?? 0n, feeLimit: o.feeLimit, band, memo: o.memo });
      const { hash } = await client.sendTx(signed.bytes);
      if (!o.wait) {
        output(o.json, { hash, status: "pending" }, () => table([["tx", hash], ["status", "accepted into the mempool (not waiting for the receipt)"]]));
        return;
      }
      const r = await client.waitForTx(hash, { timeoutMs: o.timeout });
      output(o.json, r, () => table(receiptRows(r)));
      if (r.code !== 0) process.exitCode = 1;
    });
  return tx;
}

interface SendOpts {
  node: string;
  tip?: bigint;
  feeLimit?: bigint;
  band: string;
  memo: string;
  nonce?: bigint;
  wait: boolean;
  timeout: number;
  passphraseFile?: string;
  dev?: boolean;
  json?: boolean;
}

const HASH = /^(0x)?[0-9a-fA-F]{64}$/;

export function queryCommand(): Command {
  const q = new Command("query").alias("q").description("read chain state from a node");

  q.command("balance")
    .description("an account's balance in one denomination")
    .argument("<address>", "account address (nxs1…)")
    .option("--denom <denom>", "denomination (base units)", "nxt")
    .addOption(nodeOption())
    .option("--json", "print JSON")
    .action(async (address: string, o: { denom: string; node: string; json?: boolean }) => {
      checkAddress(address, "address");
      const c = await new NexusClient(o.node).getBalance(address, o.denom);
      output(o.json, c, () => `${c.amount} ${c.denom}${c.denom === "nxt" ? `  (${formatAmount(c.amount, c.denom)})` : ""}`);
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
      output(o.json, s, () => (s.status === "committed" ? table(receiptRows(s.receipt)) : `${hash}: ${s.status === "pending" ? "pending (in the mempool)" : "unknown to this node"}`));
      if (s.status === "unknown" && !o.json) process.exitCode = 1;
    });

  q.command("proof")
    .description("fetch a balance proof and verify it here against the block header's state root")
    .argument("<address>", "account address (nxs1…)")
    .option("--denom <denom>", "denomination (base units)", "nxt")
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
        ]),
      );
    });
}
