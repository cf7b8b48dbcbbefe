import { Command } from "commander";
import { dirname, join, relative, resolve } from "node:path";
import type { ChainApp } from "../../node/chain-app.ts";
import { nameForms, scaffoldModule } from "../scaffold.ts";

export function newModuleCommand(app: ChainApp): Command {
  return new Command("new-module")
    .description("create a module folder (with its tests) from the example module, renamed; then add it to the chain")
    .argument("<name>", "module name: lowercase, words joined by _ (e.g. notes, price_feed)")
    .option("--dir <dir>", "where to create it (default: modules/<name> under the project)")
    .action((name: string, o: { dir?: string }) => {
      const t = app.moduleTemplate;
      const target = resolve(o.dir ?? join(t.root, "modules", name));
      const files = scaffoldModule({ template: t.dir, templateName: t.name, target, name, root: t.root });
      const n = nameForms(name);
      const lines = [
        `Created ${target} (${files.length} files):`,
        ...files.map((f) => `  ${f}`),
        "",
        "Next:",
        `  1. add it to the chain in ${relative(t.root, t.chainFile)}:`,
        `       import { ${n.camel}Module } from "${relative(dirname(t.chainFile), join(target, "index.ts"))}";`,
        `       … and ${n.camel}Module in the module list`,
        `  2. run its tests:  npm run test:one -- ${join(target, "*.test.ts")}`,
        `  3. try it on a dev chain: docs/modules.md, "Test it, then try it on a dev chain"`,
      ];
      process.stdout.write(lines.join("\n") + "\n");
    });
}
