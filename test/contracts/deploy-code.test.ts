import assert from "node:assert/strict";
import { compareCode } from "../../scripts/contracts/deploy/code.ts";

describe("deploy/code: recorded code against the chain's", () => {
  const artifact = { deployedBytecode: "0x6001aaaaaaaa6002bbbb", immutableReferences: { "7": [{ start: 2, length: 4 }] } };

  it("matches when only the immutables differ", () => {
    assert.equal(compareCode("0x6001123456786002bbbb", artifact), "match");
    assert.equal(compareCode("0x6001aaaaaaaa6002bbbb", artifact), "match");
  });

  it("refuses other code, shorter or longer code, and no code", () => {
    assert.equal(compareCode("0x6001123456786002bbbc", artifact), "different");
    assert.equal(compareCode("0x7001123456786002bbbb", artifact), "different");
    assert.equal(compareCode("0x6001123456786002bb", artifact), "different");
    assert.equal(compareCode("0x", artifact), "empty");
    assert.equal(compareCode(undefined, artifact), "empty");
  });

  it("compares every byte when there are no immutables", () => {
    assert.equal(compareCode("0x6001aaaaaaaa6002bbbb", { deployedBytecode: "0x6001aaaaaaaa6002bbbb" }), "match");
    assert.equal(compareCode("0x6001aaaaaaab6002bbbb", { deployedBytecode: "0x6001aaaaaaaa6002bbbb" }), "different");
  });
});
