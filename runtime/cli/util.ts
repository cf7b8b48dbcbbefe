import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { InvalidArgumentError, type Command } from "commander";
import { DEV_PASSPHRASE, Keyring } from "../crypto/keystore.ts";
import { CliErrors, type CliErrorCode } from "./errors.ts";

/** A failure the user can fix: one line of message, one line of hint. */
export class CliError extends CliErrors<CliErrorCode> {
  constructor(
    code: CliErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(code, message);
  }
}

export interface GlobalOptions {
  home?: string;
  verbose?: boolean;
}

/** --home, else NEXUS_HOME, else ~/.nexus. */
export function resolveHome(cmd: Command): string {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const h = g.home ?? process.env.NEXUS_HOME;
  return h ? resolve(h) : join(homedir(), ".nexus");
}

export function keyring(cmd: Command): Keyring {
  return new Keyring(join(resolveHome(cmd), "keys"));
}

/** Data output: JSON with --json, else the human rendering. bigint prints as a string. */
export function output(json: boolean | undefined, data: unknown, human: () => string): void {
  if (json) process.stdout.write(JSON.stringify(data, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n");
  else process.stdout.write(human() + "\n");
}

/** "key   value" lines with aligned values. */
export function table(rows: [string, unknown][]): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${String(v)}`).join("\n");
}

/** Shortest passphrase a new key may have, from the prompt, a file or NEXUS_PASSPHRASE alike. */
export const MIN_PASSPHRASE = 8;

export interface PassphraseSource {
  passphraseFile?: string;
  /** --dev: the documented insecure passphrase, for keys marked dev only. */
  dev?: boolean;
}

/** Read a secret line from a file (first line, trailing newline removed). */
export function readSecretFile(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CliError("CLI_FILE", `cannot read ${what} file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const line = text.split(/\r?\n/)[0] ?? "";
  if (!line) throw new CliError("CLI_FILE", `${what} file ${path} is empty`);
  return line;
}

/** Prompt without echo on the terminal (stderr, so stdout stays clean for --json). */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput(s: string): void };
    let muted = false;
    out._writeToOutput = (s: string): void => {
      if (!muted || s.includes("\n")) process.stderr.write(muted ? "\n" : s);
    };
    rl.question(question, (answer) => {
      rl.close();
      resolvePromise(answer);
    });
    muted = true;
    rl.on("SIGINT", () => {
      rl.close();
      reject(new CliError("CLI_ABORTED", "aborted"));
    });
  });
}

/**
 * Passphrase for unlocking or creating a key: --passphrase-file, then NEXUS_PASSPHRASE, then
 * (with --dev, for dev keys only) DEV_PASSPHRASE, then an interactive prompt.
 */
export async function getPassphrase(src: PassphraseSource, opts: { keyName: string; keyIsDev?: boolean; confirm?: boolean }): Promise<string> {
  // A new key gets the prompt's minimum whichever way its passphrase arrives.
  const strong = (p: string, from: string): string => {
    if (opts.confirm && p.length < MIN_PASSPHRASE) throw new CliError("CLI_WEAK_PASSPHRASE", `the passphrase from ${from} has ${p.length} characters; a new key needs at least ${MIN_PASSPHRASE}`);
    return p;
  };
  if (src.passphraseFile) return strong(readSecretFile(src.passphraseFile, "passphrase"), src.passphraseFile);
  const env = process.env.NEXUS_PASSPHRASE;
  if (env) return strong(env, "NEXUS_PASSPHRASE");
  if (src.dev && opts.keyIsDev) return DEV_PASSPHRASE;
  if (!process.stdin.isTTY) {
    const devHint = opts.keyIsDev ? `; key "${opts.keyName}" is a dev key: add --dev to use the documented dev passphrase` : "";
    throw new CliError("CLI_NO_PASSPHRASE", `a passphrase is needed for key "${opts.keyName}" and there is no terminal to ask on`, `pass --passphrase-file <file> or set NEXUS_PASSPHRASE${devHint}`);
  }
  const p = await promptHidden(`Passphrase for key "${opts.keyName}": `);
  if (opts.confirm) {
    if (p.length < MIN_PASSPHRASE) throw new CliError("CLI_WEAK_PASSPHRASE", `the passphrase must have at least ${MIN_PASSPHRASE} characters`);
    const again = await promptHidden("Repeat the passphrase: ");
    if (again !== p) throw new CliError("CLI_PASSPHRASE_MISMATCH", "the two passphrases differ");
  }
  return p;
}

/** Commander option parsers: commander prints the message with the option's name and exits 1. */
export function intOption(name: string): (v: string) => number {
  return (v: string): number => {
    if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError(`${name} must be a whole number.`);
    return Number(v);
  };
}

export function bigintOption(name: string): (v: string) => bigint {
  return (v: string): bigint => {
    if (!/^[0-9]+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number of base units (nxt).`);
    return BigInt(v);
  };
}
