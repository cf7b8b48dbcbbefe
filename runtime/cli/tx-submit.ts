import { Option, type Command } from "commander";
import { decodeAddress } from "../crypto/address.ts";
import { parseBand, bandName } from "../tx/bands.ts";
import type { Msg } from "../tx/envelope.ts";
import type { Signer } from "../tx/sign.ts";
import type { ReceiptView } from "../node/node-api.ts";
import { NexusClient, DEFAULT_RPC_URL } from "../rpc/client.ts";
import { buildTx } from "../rpc/tx-builder.ts";
import type { Amounts } from "../rpc/amounts.ts";
import { CliError, bigintOption, getPassphrase, intOption, keyring, output, table } from "./util.ts";

export function nodeOption(): Option {
  return new Option("--node <url>", "JSON-RPC endpoint of the node").env("NEXUS_NODE").default(DEFAULT_RPC_URL);
}

export function checkAddress(a: string, what: string): void {
  if (a !== a.toLowerCase() && a === a.toUpperCase()) {
    // bech32m allows either case, but the chain stores and compares addresses in lowercase.
    throw new CliError("ADDRESS_INVALID", `${what}: ${a} is in uppercase; NexusOS addresses are lowercase: ${a.toLowerCase()}`, "write the address in lowercase");
  }
  try {
    decodeAddress(a);
  } catch (e) {
    throw new CliError("ADDRESS_INVALID", `${what}: ${(e as Error).message}`, "NexusOS addresses look like nxs1…; `nexus keys show <name> --address` prints one");
  }
}

/** The options every transaction command takes (signing, fee, waiting). */
export interface TxOptions {
  node: string;
  tip?: bigint;
  feeLimit?: bigint;
  band: string;
  memo: string;
  nonce?: bigint;
  /** The transaction uses no nonce (one-time messages only): no "nonce taken" diagnosis while waiting. */
  nonceFree?: boolean;
  wait: boolean;
  timeout: number;
  passphraseFile?: string;
  dev?: boolean;
  json?: boolean;
}

export function addTxOptions(c: Command): Command {
  return c
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
    .option("--json", "print JSON");
}

/** The signing key named on the command line: its address, and its signer once unlocked. */
export async function loadKey(cmd: Command, name: string, o: TxOptions): Promise<{ address: string; signer: Signer }> {
  parseBand(o.band); // a bad --band is reported before any passphrase prompt
  const kr = keyring(cmd);
  const info = kr.show(name);
  const signer = kr.loadSigner(name, await getPassphrase(o, { keyName: name, keyIsDev: info.dev }));
  return { address: info.address, signer };
}

/** Sign `msgs` with the key, submit, and (unless --no-wait) print the receipt. */
export async function signAndSubmit(key: { address: string; signer: Signer }, msgs: Msg[], o: TxOptions, amounts: Amounts): Promise<void> {
  const band = parseBand(o.band);
  const client = new NexusClient(o.node);
  const [status, account] = await Promise.all([client.status(), o.nonce === undefined ? client.getAccount(key.address) : undefined]);
  const nonce = o.nonce ?? BigInt(account!.nonce);
  const signed = buildTx({ chainId: status.chainId, signer: key.signer, nonce, msgs, tip: o.tip ?? 0n, feeLimit: o.feeLimit, band, memo: o.memo });
  const { hash } = await client.sendTx(signed.bytes);
  if (!o.wait) {
    output(o.json, { hash, status: "pending" }, () => table([["tx", hash], ["status", "accepted into the mempool (not waiting for the receipt)"]]));
    return;
  }
  const r = await client.waitForTx(hash, o.nonceFree ? { timeoutMs: o.timeout } : { timeoutMs: o.timeout, sender: key.address, nonce });
  output(o.json, r, () => table(receiptRows(r, amounts)));
  if (r.code !== 0) process.exitCode = 1;
}

export function receiptRows(r: ReceiptView, amounts: Amounts): [string, unknown][] {
  const fee = amounts.feeDenom.base;
  return [
    ["tx", r.txHash],
    ["result", r.code === 0 ? "OK" : `FAILED ${r.codeName} (code ${r.code})`],
    ...(r.code !== 0 && r.log ? ([["log", r.log]] as [string, unknown][]) : []),
    ["height", r.height],
    ["index", r.index],
    ["sender", r.sender],
    ["nonce", r.nonce],
    ["band", `${r.band} ${bandName(r.band)}`],
    ["fee", `${r.fee} ${fee} (${amounts.format(r.fee, fee)})`],
    ["energy", `${r.energyAj} aJ`],
    ["events", r.events.length ? r.events.map((e) => `${e.type}{${Object.entries(e.attributes).map(([k, v]) => `${k}=${v}`).join(", ")}}`).join("\n        ") : "-"],
  ];
}
