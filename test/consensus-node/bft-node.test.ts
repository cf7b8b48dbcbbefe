import { expect } from "chai";
import { Cluster } from "./cluster.ts";

describe("BFT nodes in one process (MemoryHub)", function () {
  this.timeout(60_000);
  let c: Cluster;
  afterEach(async () => c && (await c.close()));

  it("4 validators finalise blocks with the same hash and state root at every height", async () => {
    c = new Cluster(4);
    for (let i = 0; i < 4; i++) await c.start(i);
    await c.waitHeight(8);
    expect(c.assertAgreement()).to.be.at.least(8);
    const b = c.node(0).getBlock(3)!;
    expect(c.node(0).blockStore.commit(3)).to.not.equal(undefined);
    expect(b.header.height).to.equal(3);
  });
});
