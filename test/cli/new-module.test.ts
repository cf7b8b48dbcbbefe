import { expect } from "chai";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nameForms, scaffoldModule, ScaffoldError } from "../../runtime/cli/scaffold.ts";
import { openTestNode, testGenesis, testSigner, removeDir } from "../helpers/node-harness.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { sendBody } from "../helpers/txs.ts";
import { bankModule } from "../../modules/bank/index.ts";
import type { ChainModule } from "../../runtime/modules/types.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TEMPLATE = join(ROOT, "examples/counter-module");

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? allFiles(join(dir, n)).map((f) => join(n, f)) : [n]));
}

describe("cli: nexus new-module scaffolds a module from the example", () => {
  // Inside the project (git-ignored), so the copy's
  // imports of runtime/ and modules/ resolve exactly as a module's under modules/ would.
  const base = join(ROOT, "test", `scaffold-tmp-${process.pid}`);
  after(() => rmSync(base, { recursive: true, force: true }));

  it("spells a name every way the template does", () => {
    expect(nameForms("price_feed")).to.deep.equal({ snake: "price_feed", camel: "priceFeed", pascal: "PriceFeed", upper: "PRICE_FEED", kebab: "price-feed" });
    expect(nameForms("notes")).to.deep.equal({ snake: "notes", camel: "notes", pascal: "Notes", upper: "NOTES", kebab: "notes" });
  });

  it("renames every identifier, file and wire name, and the copy runs in a node", async () => {
    const target = join(base, "modules", "price_feed");
    mkdirSync(join(base, "modules"), { recursive: true });
    const files = scaffoldModule({ template: TEMPLATE, templateName: "counter", target, name: "price_feed", root: ROOT });
    expect(files).to.include("keeper/price-feed-keeper.ts");
    expect(files.length).to.equal(allFiles(TEMPLATE).length);
    for (const f of allFiles(target)) expect(readFileSync(join(target, f), "utf8"), f).to.not.match(/counter/i);
    const mod = (await import(join(target, "index.ts"))) as { priceFeedModule: ChainModule };
    expect(mod.priceFeedModule.name).to.equal("price_feed");

    const modules = [bankModule, mod.priceFeedModule];
    const t = await openTestNode({ modules, genesis: testGenesis({ modules }) });
    try {
      const s = testSigner(0);
      const tx = signTx({ ...sendBody(s, s.address, 1n, 0n), msgs: [{ typeUrl: "/price_feed.v1.MsgChange", value: { owner: s.address, step: "5" } }] }, [s]);
      await t.node.submitTx(tx.bytes);
      await t.node.produceBlock();
      expect(t.node.blockReceipts(1)[0]!.code).to.equal(0);
      expect(t.node.query("price_feed/count", { address: s.address })).to.deep.equal({ address: s.address, count: "5" });
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });

  it("refuses a bad name and an existing folder, saying why", () => {
    const o = { template: TEMPLATE, templateName: "counter", root: ROOT };
    expect(() => scaffoldModule({ ...o, target: join(base, "x"), name: "Bad-Name" })).to.throw(ScaffoldError, /not a module name/);
    mkdirSync(join(base, "taken"), { recursive: true });
    expect(() => scaffoldModule({ ...o, target: join(base, "taken"), name: "taken" })).to.throw(ScaffoldError, /already exists/);
  });
});
