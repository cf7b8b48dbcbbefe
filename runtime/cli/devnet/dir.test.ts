import { expect } from "chai";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { controlSocketPath, devnetDir } from "./dir.ts";

describe("devnet directory", () => {
  it("takes --dir first, then NEXUS_DEVNET, then <home>/devnet, then ~/.nexus-devnet", () => {
    const env = { NEXUS_DEVNET: "/e/devnet", NEXUS_HOME: "/e/home" };
    expect(devnetDir({ dir: "/x", home: "/h", env })).to.equal("/x");
    expect(devnetDir({ home: "/h", env })).to.equal("/e/devnet");
    expect(devnetDir({ home: "/h", env: { NEXUS_HOME: "/e/home" } })).to.equal("/h/devnet");
    expect(devnetDir({ env: { NEXUS_HOME: "/e/home" } })).to.equal("/e/home/devnet");
    expect(devnetDir({ env: {} })).to.equal(join(homedir(), ".nexus-devnet"));
  });

  it("resolves relative paths against the working directory", () => {
    expect(devnetDir({ dir: "rel", env: {} })).to.equal(resolve("rel"));
    expect(devnetDir({ home: "h", env: {} })).to.equal(resolve("h", "devnet"));
  });

  it("puts the control socket in the directory, or in the temp directory when the path is too long for a Unix socket", () => {
    expect(controlSocketPath("/tmp/d")).to.equal("/tmp/d/devnet.sock");
    const long = "/tmp/" + "x".repeat(120);
    const p = controlSocketPath(long);
    expect(p.startsWith(tmpdir())).to.equal(true);
    expect(p).to.match(/nexus-devnet-[0-9a-f]{16}\.sock$/);
    expect(controlSocketPath(long)).to.equal(p);
    expect(controlSocketPath(long + "y")).to.not.equal(p);
    // The boundary: 100 bytes stays in place, 101 moves.
    const at = (n: number): string => "/" + "a".repeat(n - "/".length - "/devnet.sock".length);
    expect(controlSocketPath(at(100))).to.equal(at(100) + "/devnet.sock");
    expect(controlSocketPath(at(101)).startsWith(tmpdir())).to.equal(true);
  });
});
