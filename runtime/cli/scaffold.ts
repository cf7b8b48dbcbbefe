import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { CliErrors } from "./errors.ts";

/**
 * `nexus new-module <name>`: copy the example module (with its tests) under a new name, so
 * nobody renames thirty identifiers by hand. Every spelling of the template's name is
 * replaced by the same spelling of the new one, file names included, and relative imports
 * of the project's folders are re-pointed when the new folder sits at another depth.
 */

export const MODULE_NAME_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

export class ScaffoldError extends CliErrors<"SCAFFOLD_BAD_NAME" | "SCAFFOLD_EXISTS" | "SCAFFOLD_NO_TEMPLATE"> {}

/** The spellings of a module name: "price_feed" → price_feed, priceFeed, PriceFeed, PRICE_FEED, price-feed. */
export function nameForms(name: string): { snake: string; camel: string; pascal: string; upper: string; kebab: string } {
  const words = name.split("_");
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  return { snake: name, camel: pascal[0]!.toLowerCase() + pascal.slice(1), pascal, upper: name.toUpperCase(), kebab: words.join("-") };
}

export interface ScaffoldOptions {
  /** Template folder (the example module). */
  readonly template: string;
  /** The template's module name ("counter"). */
  readonly templateName: string;
  /** Where the new module goes (created; must not exist). */
  readonly target: string;
  readonly name: string;
  /** The project root the template's relative imports climb to. */
  readonly root: string;
}

export function rename(text: string, from: string, to: string, paths: { template: string; target: string }): string {
  const f = nameForms(from);
  const t = nameForms(to);
  return text
    .replaceAll(paths.template, paths.target)
    .replaceAll(`${f.kebab}-`, `${t.kebab}-`)
    .replaceAll(f.upper, t.upper)
    .replaceAll(f.pascal, t.pascal)
    .replace(new RegExp(`${f.camel}(?=[A-Z])`, "g"), t.camel)
    .replaceAll(f.snake, t.snake);
}

/** Point `../../runtime/…` style imports at the same folders from the new depth. */
function reroot(text: string, fromDepth: number, toDepth: number): string {
  if (fromDepth === toDepth) return text;
  const re = new RegExp(`(["'])((?:\\.\\./){${fromDepth}})(?=[a-z])`, "g");
  return text.replace(re, (_m, q: string) => `${q}${"../".repeat(toDepth)}`);
}

function filesOf(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesOf(p).map((f) => join(name, f)));
    else out.push(name);
  }
  return out.sort();
}

/** Write the new module; returns the files written, relative to the target. */
export function scaffoldModule(o: ScaffoldOptions): string[] {
  if (!MODULE_NAME_PATTERN.test(o.name)) {
    throw new ScaffoldError("SCAFFOLD_BAD_NAME", `"${o.name}" is not a module name: lowercase letters and digits, words joined by "_" (e.g. notes, price_feed); it becomes the state namespace and the typeUrl prefix`);
  }
  if (!existsSync(o.template)) throw new ScaffoldError("SCAFFOLD_NO_TEMPLATE", `the example module is missing at ${o.template}`);
  if (existsSync(o.target)) throw new ScaffoldError("SCAFFOLD_EXISTS", `${o.target} already exists; pick another name or --dir`);
  const rel = (p: string): string => relative(o.root, p).split(sep).join("/");
  const paths = { template: rel(o.template), target: rel(o.target) };
  const written: string[] = [];
  for (const f of filesOf(o.template)) {
    const depthOf = (base: string): number => rel(join(base, dirname(f))).split("/").filter((s) => s && s !== ".").length;
    const out = rename(f, o.templateName, o.name, paths);
    const text = reroot(rename(readFileSync(join(o.template, f), "utf8"), o.templateName, o.name, paths), depthOf(o.template), depthOf(o.target));
    mkdirSync(dirname(join(o.target, out)), { recursive: true });
    writeFileSync(join(o.target, out), text);
    written.push(out);
  }
  return written;
}
