import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Keyring } from "../../runtime/crypto/keystore.ts";
import type { CliContext } from "../../runtime/cli/extension.ts";
import { Harness, post } from "../../test/fixtures/attestor-harness.ts";
import { attestorCliExtension } from "./cli.ts";
import type { AttestorService } from "./service.ts";

describe("nexus attestor (CLI extension)", function () {
  this.timeout(30_000);
  it("init-config writes a commented default config; start runs the service from it with a keyring key", async () => {
    const h = await new Harness().init();
    let svc: AttestorService | undefined;
    try {
      const cfgPath = join(h.dir, "attestor.json");
      const ext = attestorCliExtension({ onStarted: (s) => (svc = s), handleSignals: false });
      expect(ext.parent).to.equal("root");
      const out: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
      try {
        await ext.build({} as CliContext).exitOverride().parseAsync(["init-config", cfgPath], { from: "user" });
      } finally {
        process.stdout.write = write;
      }
      expect(out.join("")).to.include("wrote");
      const cfg = JSON.parse(readFileSync(cfgPath, "utf8")) as Record<string, unknown>;
      expect(cfg.$comment).to.be.an("array");
      cfg.listen = { host: "127.0.0.1", port: 0 };
      cfg.node = { ...(cfg.node as object), rpcUrl: h.rpc.url };
      cfg.home = "home";
      cfg.logFormat = "json";
      cfg.logLevel = "warn";
      writeFileSync(cfgPath, JSON.stringify(cfg));
      new Keyring(join(h.dir, "home", "keys")).importSecret("attestor", h.signer.secretKey, "a passphrase", { scrypt: { N: 1024, r: 8, p: 1 } });
      writeFileSync(join(h.dir, "pass"), "a passphrase\n");
      await ext.build({} as CliContext).exitOverride().parseAsync(["start", "--config", cfgPath, "--passphrase-file", join(h.dir, "pass")], { from: "user" });
      expect(svc).to.not.equal(undefined);
      expect(svc!.address).to.equal(h.address);
      const st = (await fetch(`${svc!.url}/v1/status`).then((r) => r.json())) as Record<string, unknown>;
      expect(st.chainId).to.equal(h.node.chainId);
      expect(st.attestor).to.equal(h.address);
      expect(st.provider).to.equal("console");
      const bad = await post(`${svc!.url}/v1/verifications`, { phone: "nope", address: h.address });
      expect(bad.status).to.equal(400);
    } finally {
      await svc?.close();
      await h.close();
    }
  });
});
