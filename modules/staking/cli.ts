import { Command, InvalidArgumentError } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CliContext, CliExtension } from "../../runtime/cli/extension.ts";
import { addTxOptions, checkAddress, loadKey, signAndSubmit, type TxOptions } from "../../runtime/cli/tx-submit.ts";
import { CliError, keyring, resolveHome } from "../../runtime/cli/util.ts";
import { readHomeValidator } from "../../runtime/cli/commands/validator.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { fromHex } from "../../runtime/crypto/hash.ts";
import { NexusClient } from "../../runtime/rpc/client.ts";
import { PUBKEY_PATTERN, StakingTypeUrls } from "./msgs.ts";

/**
 * Operator-friendly staking commands (docs/validators.md), replacing generated ones:
 *
 * - `tx staking create-validator --from validator --amount 10000NXT --validator-band 1`: the
 *   consensus key defaults to <home>/validator-key.json, the moniker to the home's config,
 *   and the signing key must be that same key (on NexusOS the operator address is the
 *   address of the consensus key: the node votes and reports commits under it);
 * - `tx staking begin-redelegate`, alias `redelegate`.
 *
 * The other staking messages keep their generated commands (`nexus tx staking --help`).
 */

const bpsOption = (flag: string) => (v: string): number => {
  if (!/^[0-9]+$/.test(v) || Number(v) > 10000) throw new InvalidArgumentError(`${flag} must be a whole number of basis points, 0..10000 (500 = 5%).`);
  return Number(v);
};

const bandOption = (v: string): number => {
  if (!/^[1-7]$/.test(v)) throw new InvalidArgumentError("--validator-band must be 1..7 (the spectral band this validator declares).");
  return Number(v);
};

/** "10000NXT", "1000000000000nxt" or bare base units → base units as a decimal string. */
function baseUnits(ctx: CliContext, flag: string, text: string): string {
  if (/^[0-9]+$/.test(text)) return BigInt(text).toString();
  const a = ctx.amounts.parse(text);
  const fee = ctx.amounts.feeDenom;
  if (a.denom !== fee.base) throw new CliError("CLI_BAD_OPTION", `${flag} is an amount of ${fee.display}: write "1.5${fee.display}" or base units`);
  if (a.amount <= 0n) throw new CliError("CLI_BAD_OPTION", `${flag} must be more than zero`);
  return a.amount.toString();
}

function homeMoniker(home: string): string | undefined {
  const file = join(home, "config.json");
  if (!existsSync(file)) return undefined;
  try {
    const m = (JSON.parse(readFileSync(file, "utf8")) as { moniker?: unknown }).moniker;
    return typeof m === "string" && m.length > 0 ? m : undefined;
  } catch {
    return undefined;
  }
}

interface CreateValidatorOptions extends TxOptions {
  from: string;
  amount: string;
  validatorBand: number;
  moniker?: string;
  consensusPubKey?: string;
  commissionRateBps?: number;
  maxCommissionRateBps?: number;
  maxCommissionChangeRateBps?: number;
  minSelfDelegation?: string;
}

/** A band no active validator has yet makes every commit need this validator: say so before bonding. */
async function warnAboutBand(node: string, band: number): Promise<void> {
  try {
    const set = (await new NexusClient(node, { timeoutMs: 5000 }).query("staking/activeSet", {})) as { validators: { band: number }[] };
    const bands = [...new Set(set.validators.map((v) => v.band))].sort();
    if (set.validators.length > 0 && bands.length < 5 && !bands.includes(band)) {
      process.stderr.write(
        `warning: band ${band} has no validator yet: with this one, every commit needs signers from ${Math.min(5, bands.length + 1)} distinct bands (now ${Math.min(5, bands.length)}), ` +
          `so the chain halts whenever this validator is down. Bands in use: ${bands.join(", ")} (docs/validators.md, Choosing a band)\n`,
      );
    }
  } catch {
    // Only advice: the transaction itself reports an unreachable node.
  }
}

export const createValidatorCommand: CliExtension = {
  parent: "tx",
  module: "staking",
  build: (ctx) =>
    addTxOptions(
      new Command("create-validator")
        .description("bond stake and become a validator: the operator is the --from key, which must be this home's validator key (`nexus keys import-validator`)")
        .requiredOption("--from <key>", "signing key in <home>/keys: the home's validator key, imported with `nexus keys import-validator` (name \"validator\")")
        .requiredOption("--amount <amount>", 'self-delegation: "10000NXT" or base units')
        .requiredOption("--validator-band <1..7>", "spectral band this validator declares (pick one that already has validators: docs/validators.md)", bandOption)
        .option("--moniker <name>", "validator name (default: the moniker in <home>/config.json)")
        .option("--consensus-pub-key <hex>", "Ed25519 consensus public key, 64 hex (default: the home's validator-key.json; see `nexus show-validator`)")
        .option("--commission-rate-bps <bps>", "commission, basis points (default: the chain's, 1000 = 10%)", bpsOption("--commission-rate-bps"))
        .option("--max-commission-rate-bps <bps>", "highest commission ever allowed, fixed at creation (default 2000)", bpsOption("--max-commission-rate-bps"))
        .option("--max-commission-change-rate-bps <bps>", "largest change per day, fixed at creation (default 100)", bpsOption("--max-commission-change-rate-bps"))
        .option("--min-self-delegation <amount>", 'self-delegation below which the validator is jailed (default 1 base unit): "5000NXT" or base units'),
    ).action(async (o: CreateValidatorOptions, cmd: Command) => {
      const home = resolveHome(cmd);
      const consensusPubKey = (o.consensusPubKey ?? (await readHomeValidator(home)).publicKey).toLowerCase();
      if (!new RegExp(PUBKEY_PATTERN).test(consensusPubKey)) throw new CliError("CLI_BAD_OPTION", "--consensus-pub-key must be 64 hex digits (an Ed25519 public key)", "`nexus show-validator` prints this home's");
      const operator = addressFor(ed25519.id, fromHex(consensusPubKey));
      // Checked before any passphrase prompt: a wrong key would bond a validator that never signs.
      const info = keyring(cmd).show(o.from);
      if (info.address !== operator) {
        throw new CliError(
          "CLI_BAD_OPTION",
          `key "${o.from}" (${info.address}) is not the validator key: the operator must be ${operator}, the address of consensus key ${consensusPubKey.slice(0, 16)}…, because the node votes and reports commits under that address`,
          "import the home's validator key with `nexus keys import-validator` and pass --from validator (docs/validators.md)",
        );
      }
      const moniker = o.moniker ?? homeMoniker(home);
      if (!moniker) throw new CliError("CLI_BAD_OPTION", "--moniker is required (the home has no config.json moniker)");
      const value: Record<string, unknown> = {
        operator,
        consensusPubKey,
        band: o.validatorBand,
        moniker,
        amount: baseUnits(ctx, "--amount", o.amount),
      };
      if (o.commissionRateBps !== undefined) value.commissionRateBps = o.commissionRateBps;
      if (o.maxCommissionRateBps !== undefined) value.maxCommissionRateBps = o.maxCommissionRateBps;
      if (o.maxCommissionChangeRateBps !== undefined) value.maxCommissionChangeRateBps = o.maxCommissionChangeRateBps;
      if (o.minSelfDelegation !== undefined) value.minSelfDelegation = baseUnits(ctx, "--min-self-delegation", o.minSelfDelegation);
      await warnAboutBand(o.node, o.validatorBand);
      const key = await loadKey(cmd, o.from, o);
      await signAndSubmit(key, [{ typeUrl: StakingTypeUrls.CreateValidator, value }], o, ctx.amounts);
    }),
};

interface RedelegateOptions extends TxOptions {
  from: string;
  srcValidator: string;
  dstValidator: string;
  amount: string;
}

/** The generated begin-redelegate with the shorter alias `redelegate`. */
export const redelegateCommand: CliExtension = {
  parent: "tx",
  module: "staking",
  build: (ctx) =>
    addTxOptions(
      new Command("begin-redelegate")
        .alias("redelegate")
        .description("move a delegation from one validator to another at once (delegator = the --from key's address)")
        .requiredOption("--from <key>", "name of the signing key in <home>/keys (the delegator)")
        .requiredOption("--src-validator <address>", "validator the stake leaves (nxs1…)")
        .requiredOption("--dst-validator <address>", "validator the stake joins (nxs1…)")
        .requiredOption("--amount <amount>", 'tokens to move: "100NXT" or base units'),
    ).action(async (o: RedelegateOptions, cmd: Command) => {
      checkAddress(o.srcValidator, "--src-validator");
      checkAddress(o.dstValidator, "--dst-validator");
      const amount = baseUnits(ctx, "--amount", o.amount);
      const key = await loadKey(cmd, o.from, o);
      await signAndSubmit(key, [{ typeUrl: StakingTypeUrls.BeginRedelegate, value: { delegator: key.address, srcValidator: o.srcValidator, dstValidator: o.dstValidator, amount } }], o, ctx.amounts);
    }),
};

export const stakingCli: readonly CliExtension[] = [createValidatorCommand, redelegateCommand];
