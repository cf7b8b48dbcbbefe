import { Command } from "commander";
import { isValidMnemonic, DEFAULT_HD_PATH } from "../../crypto/hd.ts";
import type { KeyInfo } from "../../crypto/keystore.ts";
import { CliError, getPassphrase, keyring, output, promptHidden, readSecretFile, table } from "../util.ts";

function keyRows(k: KeyInfo): [string, unknown][] {
  return [
    ["name", k.name],
    ["address", k.address],
    ["scheme", k.scheme],
    ["pubkey", k.publicKey],
    ["path", k.hdPath ?? "-"],
    ...(k.dev ? ([["dev", "yes (unlocks with the documented dev passphrase under --dev)"]] as [string, unknown][]) : []),
  ];
}

export function keysCommand(): Command {
  const keys = new Command("keys").description("manage the encrypted keys in <home>/keys");

  keys
    .command("add")
    .description("create a key from a new 24-word mnemonic (shown once: write it down)")
    .argument("<name>", "key name (letters, digits, _ - .)")
    .option("--passphrase-file <file>", "read the passphrase from the first line of this file (else NEXUS_PASSPHRASE, else a prompt)")
    .option("--scheme <id>", "signature scheme", "ed25519")
    .option("--force", "replace an existing key of the same name")
    .option("--json", "print JSON (includes the mnemonic)")
    .action(async (name: string, o: { passphraseFile?: string; scheme: string; force?: boolean; json?: boolean }, cmd: Command) => {
      const kr = keyring(cmd);
      if (kr.has(name) && !o.force) throw new CliError("KEYSTORE_EXISTS", `key "${name}" already exists in ${kr.dir}`, "pick another name, or pass --force to replace it (the old key is lost unless you kept its mnemonic)");
      const pass = await getPassphrase(o, { keyName: name, confirm: true });
      const { info, mnemonic } = kr.add(name, pass, { scheme: o.scheme, force: o.force });
      output(o.json, { ...info, mnemonic }, () =>
        [
          table(keyRows(info)),
          "",
          "Mnemonic (the only way to recover this key; it is not stored, write it down now):",
          "",
          `  ${mnemonic}`,
        ].join("\n"),
      );
    });

  keys
    .command("import")
    .description("import a key from a BIP39 mnemonic")
    .argument("<name>", "key name")
    .option("--mnemonic-file <file>", "read the mnemonic from this file (else NEXUS_MNEMONIC, else a prompt)")
    .option("--passphrase-file <file>", "read the passphrase from the first line of this file (else NEXUS_PASSPHRASE, else a prompt)")
    .option("--hd-path <path>", "SLIP-0010 derivation path (hardened only)", DEFAULT_HD_PATH)
    .option("--scheme <id>", "signature scheme", "ed25519")
    .option("--force", "replace an existing key of the same name")
    .option("--json", "print JSON")
    .action(async (name: string, o: { mnemonicFile?: string; passphraseFile?: string; hdPath: string; scheme: string; force?: boolean; json?: boolean }, cmd: Command) => {
      const kr = keyring(cmd);
      if (kr.has(name) && !o.force) throw new CliError("KEYSTORE_EXISTS", `key "${name}" already exists in ${kr.dir}`, "pick another name, or pass --force to replace it");
      let mnemonic: string;
      if (o.mnemonicFile) mnemonic = readSecretFile(o.mnemonicFile, "mnemonic");
      else if (process.env.NEXUS_MNEMONIC) mnemonic = process.env.NEXUS_MNEMONIC;
      else if (process.stdin.isTTY) mnemonic = await promptHidden("Mnemonic: ");
      else throw new CliError("CLI_NO_MNEMONIC", "no mnemonic given", "pass --mnemonic-file <file> or set NEXUS_MNEMONIC");
      if (!isValidMnemonic(mnemonic)) {
        throw new CliError("HD_BAD_MNEMONIC", "the mnemonic is not a valid BIP39 English phrase", "check the spelling and order of the words (the last word carries a checksum)");
      }
      const pass = await getPassphrase(o, { keyName: name, confirm: true });
      const info = kr.importMnemonic(name, mnemonic, pass, { scheme: o.scheme, hdPath: o.hdPath, force: o.force });
      output(o.json, info, () => table(keyRows(info)));
    });

  keys
    .command("list")
    .description("list keys (name, address, scheme)")
    .option("--json", "print JSON")
    .action((o: { json?: boolean }, cmd: Command) => {
      const kr = keyring(cmd);
      const { keys: list, damaged } = kr.listAll();
      // Damaged files are never skipped silently: a warning per file on stderr (stdout stays the list).
      for (const d of damaged) process.stderr.write(`warning: key "${d.name}" cannot be used: ${d.reason}\n`);
      output(o.json, list, () => {
        if (list.length === 0) return `no keys in ${kr.dir}; create one with: nexus keys add <name>`;
        const w = Math.max(4, ...list.map((k) => k.name.length));
        return [`${"NAME".padEnd(w)}  ${"SCHEME".padEnd(8)}  ADDRESS`, ...list.map((k) => `${k.name.padEnd(w)}  ${k.scheme.padEnd(8)}  ${k.address}${k.dev ? "  (dev)" : ""}`)].join("\n");
      });
    });

  keys
    .command("show")
    .description("show a key's address, scheme and public key (no passphrase needed)")
    .argument("<name>", "key name")
    .option("--address", "print only the address (for scripts)")
    .option("--json", "print JSON")
    .action((name: string, o: { address?: boolean; json?: boolean }, cmd: Command) => {
      const info = keyring(cmd).show(name);
      if (o.address && !o.json) return void process.stdout.write(info.address + "\n");
      output(o.json, info, () => table(keyRows(info)));
    });

  return keys;
}
