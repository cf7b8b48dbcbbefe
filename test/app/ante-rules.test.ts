import { expect } from "chai";
import { statelessCheck, checkBand, requiredFee, checkTimeout } from "../../runtime/app/ante.ts";
import { defaultRuntimeParamsJson, parseRuntimeParams } from "../../runtime/app/runtime-params.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { baseFee } from "../../runtime/tx/fees.ts";
import { TxError } from "../../runtime/tx/errors.ts";
import type { DecodedTx, Msg, TxBody } from "../../runtime/tx/envelope.ts";
import type { ModuleManager, RoutedMsg } from "../../runtime/modules/manager.ts";
import type { BandRoleProvider } from "../../runtime/app/interfaces.ts";
import type { Ctx } from "../../runtime/modules/types.ts";

// The ante rules are pure functions of the decoded transaction: these tests feed them
// hand-built transactions of exact sizes, bands, fees and heights.

const params = parseRuntimeParams(defaultRuntimeParamsJson());
const CHAIN = "nexus-test-1";
const SENDER = "nexus1sender";
const TYPE = "test.v1.MsgPing";

function tx(over: Partial<TxBody> = {}, size = 250): DecodedTx {
  const body: TxBody = {
    chainId: CHAIN,
    sender: SENDER,
    nonce: 0n,
    band: Band.NANO,
    feeLimit: 1_000_000n,
    tip: 0n,
    timeoutHeight: 0,
    memo: "",
    msgs: [{ typeUrl: TYPE, value: {} } as Msg],
    ...over,
  };
  return { tx: { body, auth: [] }, bytes: new Uint8Array(size), hash: new Uint8Array(32), hashHex: "", bodyBytes: new Uint8Array(0) };
}

function route(over: Partial<RoutedMsg> & { defValidate?: (v: unknown) => void } = {}): RoutedMsg {
  const validate = Object.assign(() => true, { errors: null });
  return {
    module: "test",
    def: { signers: () => [], ...(over.defValidate ? { validate: over.defValidate } : {}) } as unknown as RoutedMsg["def"],
    validate: validate as unknown as RoutedMsg["validate"],
    minBand: Band.NANO,
    checkAddresses: () => null,
    ...over,
  };
}

const modulesWith = (r: RoutedMsg | undefined): ModuleManager => ({ route: (t: string) => (t === TYPE ? r : undefined) }) as unknown as ModuleManager;

function caught(f: () => unknown): TxError {
  try {
    f();
  } catch (e) {
    if (e instanceof TxError) return e;
    throw e;
  }
  throw new Error("no TxError was thrown");
}

describe("ante rules (statelessCheck, checkBand, requiredFee, checkTimeout)", () => {
  describe("statelessCheck", () => {
    it("accepts a transaction exactly at maxTxBytes and refuses one byte more with TX_TOO_LARGE, its size in the message and context", () => {
      const r = route();
      expect(statelessCheck(tx({}, params.maxTxBytes), CHAIN, params, modulesWith(r))).to.deep.equal([r]);
      const e = caught(() => statelessCheck(tx({}, params.maxTxBytes + 1), CHAIN, params, modulesWith(r)));
      expect(e.code).to.equal("TX_TOO_LARGE");
      expect(e.message).to.equal(`transaction is ${params.maxTxBytes + 1} bytes, the limit is ${params.maxTxBytes}`);
      expect(e.context).to.deep.equal({ size: params.maxTxBytes + 1 });
    });

    it("an unknown typeUrl is TX_UNKNOWN_MSG with the typeUrl in the context", () => {
      const e = caught(() => statelessCheck(tx({ msgs: [{ typeUrl: "nobody.v1.Msg", value: {} }] }), CHAIN, params, modulesWith(route())));
      expect(e.code).to.equal("TX_UNKNOWN_MSG");
      expect(e.message).to.equal(`msgs[0] has typeUrl "nobody.v1.Msg", which no module registers`);
      expect(e.context).to.deep.equal({ typeUrl: "nobody.v1.Msg" });
    });

    it("a schema failure is TX_INVALID_MSG with the typeUrl in the context", () => {
      const validate = Object.assign(() => false, { errors: [{ instancePath: "/amount", message: "must be string", keyword: "type", params: {}, schemaPath: "#" }] });
      const e = caught(() => statelessCheck(tx(), CHAIN, params, modulesWith(route({ validate: validate as unknown as RoutedMsg["validate"] }))));
      expect(e.code).to.equal("TX_INVALID_MSG");
      expect(e.message).to.match(new RegExp(`^msgs\\[0\\] \\(${TYPE.replace(/\./g, "\\.")}\\): `));
      expect(e.context).to.deep.equal({ typeUrl: TYPE });
    });

    it("a bad address is TX_INVALID_MSG naming the problem, with the typeUrl in the context", () => {
      const e = caught(() => statelessCheck(tx(), CHAIN, params, modulesWith(route({ checkAddresses: () => "value.to: bad checksum" }))));
      expect(e.code).to.equal("TX_INVALID_MSG");
      expect(e.message).to.equal(`msgs[0] (${TYPE}): value.to: bad checksum`);
      expect(e.context).to.deep.equal({ typeUrl: TYPE });
    });

    it("a module validate failure keeps a string code in the context and drops a non-string one", () => {
      const withCode = (code: unknown) => () => {
        throw Object.assign(new Error("amount must be positive"), { code });
      };
      const e1 = caught(() => statelessCheck(tx(), CHAIN, params, modulesWith(route({ defValidate: withCode("BANK_ZERO_AMOUNT") }))));
      expect(e1.code).to.equal("TX_INVALID_MSG");
      expect(e1.message).to.equal(`msgs[0] (${TYPE}): amount must be positive`);
      expect(e1.context).to.deep.equal({ typeUrl: TYPE, code: "BANK_ZERO_AMOUNT" });
      const e2 = caught(() => statelessCheck(tx(), CHAIN, params, modulesWith(route({ defValidate: withCode(42) }))));
      expect(e2.context).to.deep.equal({ typeUrl: TYPE, code: undefined });
      expect(e2.context.code).to.equal(undefined);
    });

    it("a message below its minimum band is TX_BAND_FORBIDDEN naming both bands; at the minimum it passes", () => {
      const r = route({ minBand: Band.PICO });
      const e = caught(() => statelessCheck(tx({ band: Band.NANO }), CHAIN, params, modulesWith(r)));
      expect(e.code).to.equal("TX_BAND_FORBIDDEN");
      expect(e.message).to.equal(`msgs[0] (${TYPE}) needs band PICO or above, the transaction is NANO`);
      expect(statelessCheck(tx({ band: Band.PICO }), CHAIN, params, modulesWith(r))).to.deep.equal([r]);
    });

    it("a message signer missing from the transaction is TX_MISSING_SIGNER", () => {
      const r = route();
      (r.def as { signers: (v: unknown) => string[] }).signers = () => ["nexus1other"];
      const e = caught(() => statelessCheck(tx(), CHAIN, params, modulesWith(r)));
      expect(e.code).to.equal("TX_MISSING_SIGNER");
      expect(e.message).to.equal(`msgs[0] (${TYPE}) must be signed by nexus1other, which is not among the transaction's signers`);
    });
  });

  describe("checkBand", () => {
    const ctx = {} as Ctx;
    const provider = (band: Band, holders: string[]): BandRoleProvider => ({ band, holds: (_c, a) => holders.includes(a) });

    it("NANO needs no role", () => {
      expect(() => checkBand(ctx, tx({ band: Band.NANO }), [])).not.to.throw();
    });

    it("PICO passes when a PICO provider holds the sender, even if another PICO provider does not", () => {
      expect(() => checkBand(ctx, tx({ band: Band.PICO }), [provider(Band.PICO, []), provider(Band.PICO, [SENDER])])).not.to.throw();
      expect(() => checkBand(ctx, tx({ band: Band.PICO }), [provider(Band.PICO, [SENDER])])).not.to.throw();
    });

    it("a role of another band does not grant PICO or FEMTO", () => {
      const e = caught(() => checkBand(ctx, tx({ band: Band.PICO }), [provider(Band.FEMTO, [SENDER])]));
      expect(e.code).to.equal("TX_BAND_FORBIDDEN");
      expect(e.message).to.equal(`PICO transactions must be sent by a registered attestor; ${SENDER} is not`);
      const f = caught(() => checkBand(ctx, tx({ band: Band.FEMTO }), [provider(Band.PICO, [SENDER])]));
      expect(f.message).to.equal(`FEMTO transactions must be sent by an active validator; ${SENDER} is not`);
      expect(() => checkBand(ctx, tx({ band: Band.FEMTO }), [provider(Band.PICO, [SENDER]), provider(Band.FEMTO, [SENDER])])).not.to.throw();
    });

    it("ATTO and PLANCK never come from outside", () => {
      const all = [Band.PICO, Band.FEMTO, Band.ATTO, Band.ZEPTO, Band.YOCTO, Band.PLANCK].map((b) => provider(b, [SENDER]));
      expect(caught(() => checkBand(ctx, tx({ band: Band.ATTO }), all)).message).to.equal("ATTO authority belongs to the governance module account: submit a governance proposal instead");
      expect(caught(() => checkBand(ctx, tx({ band: Band.PLANCK }), all)).message).to.equal("PLANCK is the genesis band: no transaction may use it");
    });
  });

  describe("requiredFee", () => {
    it("is the base fee plus the tip, and a fee limit exactly equal to it is enough", () => {
      expect(baseFee(Band.NANO, 250, params.joulesPerUnit)).to.equal(10_000n);
      expect(requiredFee(tx({ tip: 7n, feeLimit: 10_007n }), params)).to.equal(10_007n);
      expect(requiredFee(tx({ tip: 0n, feeLimit: 10_000n }), params)).to.equal(10_000n);
    });

    it("one unit under is TX_FEE_TOO_LOW with required and feeLimit in the context", () => {
      const e = caught(() => requiredFee(tx({ tip: 7n, feeLimit: 10_006n }), params));
      expect(e.code).to.equal("TX_FEE_TOO_LOW");
      expect(e.message).to.equal("fee limit 10006 is below the required 10007 (E=h·f base fee for 250 bytes in NANO plus tip 7)");
      expect(e.context).to.deep.equal({ required: "10007", feeLimit: "10006" });
    });
  });

  describe("checkTimeout", () => {
    it("timeoutHeight 0 never expires", () => {
      expect(() => checkTimeout(tx({ timeoutHeight: 0 }), 1_000_000)).not.to.throw();
    });

    it("is valid up to and including its timeout height, TX_EXPIRED one block later", () => {
      expect(() => checkTimeout(tx({ timeoutHeight: 10 }), 9)).not.to.throw();
      expect(() => checkTimeout(tx({ timeoutHeight: 10 }), 10)).not.to.throw();
      const e = caught(() => checkTimeout(tx({ timeoutHeight: 10 }), 11));
      expect(e.code).to.equal("TX_EXPIRED");
      expect(e.message).to.equal("transaction timed out at height 10; the chain is at 11");
    });
  });
});
