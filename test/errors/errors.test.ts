import { expect } from "chai";
import { checkErrorTable, defineErrors, NexusError } from "../../runtime/errors.ts";
import { ModuleError, TX_ERRORS, TxError, defineModuleErrors } from "../../runtime/tx/errors.ts";
import { STATE_ERRORS, StateError } from "../../runtime/state/errors.ts";
import { CODEC_ERRORS } from "../../runtime/codec/errors.ts";
import { CodecError, decodeCanonical } from "../../runtime/codec/canonical.ts";
import { CRYPTO_ERRORS } from "../../runtime/crypto/errors.ts";
import { AddressError, decodeAddress } from "../../runtime/crypto/address.ts";
import { HdError } from "../../runtime/crypto/hd.ts";
import { KeystoreError } from "../../runtime/crypto/keystore.ts";
import { SignatureSchemeError } from "../../runtime/crypto/signature-scheme.ts";
import { NODE_ERRORS } from "../../runtime/node/errors.ts";
import { NodeError } from "../../runtime/node/node.ts";
import { HomeError } from "../../runtime/node/home.ts";
import { ConfigError } from "../../runtime/node/config.ts";
import { GenesisFileError } from "../../runtime/node/genesis.ts";
import { APP_ERRORS } from "../../runtime/app/errors.ts";
import { AppError } from "../../runtime/app/application.ts";
import { MODULES_ERRORS } from "../../runtime/modules/errors.ts";
import { ModuleManagerError } from "../../runtime/modules/manager.ts";
import { RPC_PACKAGE_ERRORS } from "../../runtime/rpc/errors.ts";
import { AmountError, Amounts } from "../../runtime/rpc/amounts.ts";
const parseAmount = (s: string): unknown => new Amounts([{ base: "nxt", display: "NXT", decimals: 8 }]).parse(s);
import { RPC_ERRORS, RpcError, toErrorObject } from "../../runtime/rpc/protocol.ts";
import { RpcDispatcher } from "../../runtime/rpc/dispatch.ts";
import type { NodeApi } from "../../runtime/node/node-api.ts";
import { CLI_ERRORS } from "../../runtime/cli/errors.ts";
import { CliError } from "../../runtime/cli/util.ts";
import { CONSENSUS_ERRORS, ConsensusError } from "../../runtime/consensus/errors.ts";
import { TxBatchError } from "../../runtime/consensus/engine/tx-batch.ts";
import { TransportError } from "../../runtime/p2p/transport.ts";
import { BANK_ERRORS, BankError } from "../../modules/bank/errors.ts";
import { STAKING_ERRORS, StakingError } from "../../modules/staking/errors.ts";
import { ECONOMY_ERRORS, EconomyError } from "../../modules/economy/errors.ts";
import { GOV_ERRORS } from "../../modules/governance/errors.ts";
import { ARBITRATION_ERRORS } from "../../modules/ai-arbitration/errors.ts";
import { BRIDGE_ERRORS } from "../../modules/bridge/errors.ts";
import { DEPLOY_ERRORS } from "../../scripts/contracts/deploy/errors.ts";
import { POLKADOT_ERRORS } from "../../bridges/polkadot/errors.ts";
import { DEX_ERRORS, DexError as DexModuleError } from "../../modules/dex/errors.ts";
import { BHLS_ERRORS } from "../../modules/bhls/errors.ts";
import { ACHIEVEMENTS_ERRORS } from "../../modules/achievements/errors.ts";
import { COUNTER_ERRORS, CounterError } from "../../examples/counter-module/errors.ts";
import { QUANTUM_ERRORS, QuantumCryptoError } from "../../plugins/quantum/errors.ts";
import { QkdError } from "../../plugins/quantum/qkd/key-source.ts";
import { NetworkError } from "../../plugins/transports/libp2p/errors.ts";
import { P2P_ERRORS } from "../../runtime/p2p/errors.ts";

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
};

describe("errors: the NexusError base", () => {
  it("a NexusError carries code, codespace, context and its class's name", () => {
    const e = new NexusError("node", "QUERY_UNKNOWN_PATH", 'no query route "x"', { path: "x" });
    expect(e).to.be.instanceOf(Error);
    expect(e).to.include({ name: "NexusError", code: "QUERY_UNKNOWN_PATH", codespace: "node", message: 'no query route "x"' });
    expect(e.context).to.deep.equal({ path: "x" });
    expect(e.number).to.equal(undefined);
    expect(JSON.parse(JSON.stringify(e))).to.deep.equal({ name: "NexusError", codespace: "node", code: "QUERY_UNKNOWN_PATH", message: 'no query route "x"', context: { path: "x" } });
    expect(String(e.stack)).to.match(/^NexusError: no query route/);
  });

  it("every package's class extends it, keeps its code and message, and is named after itself", () => {
    const cases: [NexusError, string, string, string, number][] = [
      // [error, name, codespace, code, number]
      [new TxError("TX_BAD_SIGNATURE", "bad sig", { signer: 0 }), "TxError", "tx", "TX_BAD_SIGNATURE", 3],
      [new StateError("STATE_CLOSED", "closed"), "StateError", "state", "STATE_CLOSED", 6],
      [new CodecError("short"), "CodecError", "codec", "CODEC_MALFORMED", 1],
      [new AddressError("bad"), "AddressError", "crypto", "ADDRESS_INVALID", 1],
      [new HdError("HD_BAD_PATH", "bad path"), "HdError", "crypto", "HD_BAD_PATH", 2],
      [new KeystoreError("KEYSTORE_NOT_FOUND", "none"), "KeystoreError", "crypto", "KEYSTORE_NOT_FOUND", 7],
      [new SignatureSchemeError("CRYPTO_UNKNOWN_SCHEME", "?"), "SignatureSchemeError", "crypto", "CRYPTO_UNKNOWN_SCHEME", 11],
      [new NodeError("NODE_NOT_FOUND", "nope"), "NodeError", "node", "NODE_NOT_FOUND", 3],
      [new HomeError("exists"), "HomeError", "node", "HOME_EXISTS", 7],
      [new ConfigError("bad"), "ConfigError", "node", "CONFIG_INVALID", 9],
      [new GenesisFileError("bad"), "GenesisFileError", "node", "GENESIS_INVALID", 10],
      [new AppError("APP_BAD_GENESIS", "bad"), "AppError", "app", "APP_BAD_GENESIS", 2],
      [new ModuleManagerError("MODULE_CYCLE", "a → a"), "ModuleManagerError", "modules", "MODULE_CYCLE", 3],
      [new AmountError("bad"), "AmountError", "rpc", "AMOUNT_INVALID", 1],
      [new RpcError(RPC_ERRORS.INVALID_PARAMS, "invalid params: x"), "RpcError", "rpc", "RPC_INVALID_PARAMS", 5],
      [new CliError("CLI_BAD_ARG", "bad", "hint"), "CliError", "cli", "CLI_BAD_ARG", 2],
      [new ConsensusError("CONSENSUS_WAL_IO", "io"), "ConsensusError", "consensus", "CONSENSUS_WAL_IO", 8],
      [new TxBatchError("bad"), "TxBatchError", "consensus", "TX_BATCH_MALFORMED", 12],
      [new TransportError("TRANSPORT_STOPPED", "stopped"), "TransportError", "p2p", "TRANSPORT_STOPPED", 12],
      [new BankError("BANK_INSUFFICIENT_FUNDS", "poor", { need: 5n }), "BankError", "bank", "BANK_INSUFFICIENT_FUNDS", 1],
      [new StakingError("STAKING_TOMBSTONED", "gone"), "StakingError", "staking", "STAKING_TOMBSTONED", 17],
      [new DexModuleError("DEX_K", "k fell"), "DexError", "dex", "DEX_K", 15],
      [new CounterError("COUNTER_UNDERFLOW", "below zero"), "CounterError", "counter", "COUNTER_UNDERFLOW", 2],
      [new QuantumCryptoError("CRYPTO_BAD_SEED", "seed"), "QuantumCryptoError", "quantum", "CRYPTO_BAD_SEED", 2],
      [new QkdError("QKD_HTTP_ERROR", "503", 503), "QkdError", "quantum", "QKD_HTTP_ERROR", 7],
      [new NetworkError("NET_SYNC_TIMEOUT", "slow", { peer: "p" }), "NetworkError", "p2p", "NET_SYNC_TIMEOUT", 7],
      [new EconomyError("ECONOMY_DRAW_CAP_EXCEEDED", "cap"), "EconomyError", "economy", "ECONOMY_DRAW_CAP_EXCEEDED", 5],
    ];
    for (const [e, name, codespace, code, number] of cases) {
      expect(e, name).to.be.instanceOf(NexusError).and.instanceOf(Error);
      expect({ name: e.name, codespace: e.codespace, code: e.code, number: e.number }, name).to.deep.equal({ name, codespace, code, number });
      expect(e.stack, name).to.match(new RegExp(`^${name}: `));
    }
    expect((cases[15]![0] as CliError).hint).to.equal("hint");
    expect((cases[24]![0] as QkdError).status).to.equal(503);
    expect(cases[24]![0].context).to.deep.equal({ status: 503 });
  });

  it("what the runtime throws (a bad address, bad CBOR, a bad amount) is a NexusError of its own class", () => {
    const a = thrown(() => decodeAddress("nxs1notanaddress"));
    expect(a).to.be.instanceOf(AddressError).and.instanceOf(NexusError);
    const c = thrown(() => decodeCanonical(new Uint8Array([0xff]), "thing"));
    expect(c).to.be.instanceOf(CodecError).and.instanceOf(NexusError);
    expect((c as CodecError).code).to.equal("CODEC_MALFORMED");
    const m = thrown(() => parseAmount("1.5 apples"));
    expect(m).to.be.instanceOf(AmountError).and.instanceOf(NexusError);
  });

  it("module errors are ModuleErrors whose codespace is the module name", () => {
    const e = new BankError("BANK_SEND_DISABLED", "disabled", { denom: "nxt" });
    expect(e).to.be.instanceOf(ModuleError).and.instanceOf(NexusError);
    expect(e).to.not.be.instanceOf(StakingError);
    expect(new StakingError("STAKING_NOT_JAILED", "x")).to.be.instanceOf(ModuleError);
    expect(new CounterError("COUNTER_UNDERFLOW", "x")).to.be.instanceOf(ModuleError);
    // Runtime errors are NexusErrors but not ModuleErrors: a receipt tells the two apart.
    expect(new StateError("STATE_CLOSED", "x")).to.not.be.instanceOf(ModuleError);
    expect(new TxError("TX_MALFORMED", "x")).to.not.be.instanceOf(ModuleError);
    expect(new ModuleError("dex", "DEX_SLIPPAGE_EXCEEDED", "slipped", { max: "1" })).to.include({ codespace: "dex", code: "DEX_SLIPPAGE_EXCEEDED", name: "ModuleError" });
  });

  it("a class declared with defineModuleErrors gets codespace, numbers and its own name", () => {
    const DEX_ERRORS = { DEX_SLIPPAGE_EXCEEDED: 1, DEX_POOL_NOT_FOUND: 2 } as const;
    class DexError extends defineModuleErrors("dex", DEX_ERRORS) {}
    const e = new DexError("DEX_POOL_NOT_FOUND", "no pool nxt/usd", { pool: "nxt/usd" }, { cause: new Error("inner") });
    expect(e).to.include({ name: "DexError", codespace: "dex", code: "DEX_POOL_NOT_FOUND", number: 2 });
    expect(e.context).to.deep.equal({ pool: "nxt/usd" });
    expect((e.cause as Error).message).to.equal("inner");
    expect(DexError.codespace).to.equal("dex");
    expect(DexError.codes).to.equal(DEX_ERRORS);
  });

  it("a table with a reused number, a non-positive number or a bad code is refused at definition", () => {
    expect(() => defineErrors("x", { X_A: 1, X_B: 1 })).to.throw(/X_B and X_A share number 1/);
    expect(() => defineErrors("x", { X_A: 0 })).to.throw(/positive integers/);
    expect(() => defineModuleErrors("x", { lower_case: 1 })).to.throw(/SCREAMING_SNAKE/);
    expect(() => defineErrors("x", { NOPREFIX: 1 })).to.throw(/SCREAMING_SNAKE/);
  });

  it("within(): a rethrowing caller adds where, once, keeping class, code and number", () => {
    const e = new BankError("BANK_GENESIS_INVALID", "twice", { address: "a" });
    expect(e.within("genesis.modules.bank", { module: "bank" })).to.equal(e);
    e.within("genesis.modules.bank");
    expect(e.message).to.equal("genesis.modules.bank: twice");
    expect(e.context).to.deep.equal({ address: "a", module: "bank" });
    expect(e).to.be.instanceOf(BankError).and.include({ code: "BANK_GENESIS_INVALID", number: 7 });
  });
});

describe("errors: append-only code tables", () => {
  // Numbers reach receipts and RPC errors: this pins them. Append a code at the end of its
  // table (and here); never renumber; a retired code keeps its number as a comment.
  const pinned: [string, Readonly<Record<string, number>>, string[]][] = [
    ["tx", TX_ERRORS, ["TX_MALFORMED", "TX_WRONG_CHAIN", "TX_BAD_SIGNATURE", "TX_NONCE_REPLAYED", "TX_NONCE_GAP", "TX_FEE_TOO_LOW", "TX_TOO_LARGE", "TX_UNKNOWN_MSG", "TX_BAND_FORBIDDEN", "TX_INVALID_MSG", "TX_INSUFFICIENT_FEE_BALANCE", "TX_UNKNOWN_SCHEME", "TX_SENDER_MISMATCH", "TX_EXPIRED", "TX_MEMPOOL_FULL", "TX_DUPLICATE", "TX_MSG_FAILED", "TX_MISSING_SIGNER", "TX_MEMPOOL_REPLACED"]],
    ["state", STATE_ERRORS, ["STATE_READ_ONLY_PARENT", "STATE_INVALID_KEY", "STATE_DUPLICATE_KEY", "STATE_STALE_STAGE", "STATE_BAD_HEIGHT", "STATE_CLOSED", "STATE_CORRUPT", "STATE_FORMAT", "STATE_SNAPSHOT_INVALID", "STATE_IMPORT", "STATE_SNAPSHOT_WRITE", "STATE_APPLY_FAILED"]],
    ["codec", CODEC_ERRORS, ["CODEC_MALFORMED"]],
    ["crypto", CRYPTO_ERRORS, ["ADDRESS_INVALID", "HD_BAD_PATH", "HD_BAD_MNEMONIC", "HD_BAD_SEED", "KEYSTORE_WRONG_PASSPHRASE", "KEYSTORE_CORRUPT", "KEYSTORE_NOT_FOUND", "KEYSTORE_EXISTS", "KEYSTORE_BAD_NAME", "KEYSTORE_UNSUPPORTED", "CRYPTO_UNKNOWN_SCHEME", "CRYPTO_BAD_KEY", "CRYPTO_DUPLICATE_SCHEME"]],
    ["node", NODE_ERRORS, ["NODE_GENESIS_MISMATCH", "NODE_STORE_INCONSISTENT", "NODE_NOT_FOUND", "NODE_BAD_REQUEST", "NODE_NO_TRANSPORT", "RUN_NOT_INITIALISED", "HOME_EXISTS", "DEVNET_EXISTS", "CONFIG_INVALID", "GENESIS_INVALID", "NODE_NO_PRODUCER", "HOME_LOCKED", "HOME_DAMAGED", "RPC_LISTEN_FAILED", "NODE_HALTED", "NODE_DATA_DAMAGED", "NODE_DATA_FORMAT", "STATE_SYNC_FAILED", "STATE_SYNC_UNTRUSTED"]],
    ["app", APP_ERRORS, ["APP_INVARIANT_BROKEN", "APP_BAD_GENESIS", "APP_BLOCK_MISMATCH", "APP_NOT_INITIALISED"]],
    ["modules", MODULES_ERRORS, ["MODULE_DUPLICATE", "MODULE_MISSING_DEPENDENCY", "MODULE_CYCLE", "MODULE_DUPLICATE_MSG", "MODULE_BAD_GENESIS", "MODULE_UNKNOWN_QUERY", "MODULE_BAD_QUERY", "MODULE_MIGRATION_MISSING", "MODULE_DOWNGRADE"]],
    ["rpc", RPC_PACKAGE_ERRORS, ["AMOUNT_INVALID", "RPC_PARSE_ERROR", "RPC_INVALID_REQUEST", "RPC_METHOD_NOT_FOUND", "RPC_INVALID_PARAMS", "RPC_INTERNAL_ERROR", "RPC_NODE_ERROR", "RPC_SUBSCRIPTION_LIMIT"]],
    ["cli", CLI_ERRORS, ["CLI_ABORTED", "CLI_BAD_ARG", "CLI_BAD_OPTION", "CLI_FILE", "CLI_NO_MNEMONIC", "CLI_NO_NODE", "CLI_NO_PASSPHRASE", "CLI_PASSPHRASE_MISMATCH", "CLI_WEAK_PASSPHRASE", "NOT_FOUND", "ADDRESS_INVALID", "HD_BAD_MNEMONIC", "KEYSTORE_EXISTS", "CLI_INVALID_MSG", "CLI_INVALID_QUERY", "SCAFFOLD_BAD_NAME", "SCAFFOLD_EXISTS", "SCAFFOLD_NO_TEMPLATE", "CLI_DEVNET_START_FAILED", "CLI_NO_DATA", "CLI_DEVNET_RUNNING", "CLI_DEVNET_NOT_RUNNING", "CLI_DEVNET_REFUSED"]],
    ["consensus", CONSENSUS_ERRORS, ["CONSENSUS_MALFORMED_MESSAGE", "CONSENSUS_MESSAGE_TOO_LARGE", "CONSENSUS_BAD_VALIDATOR_SET", "CONSENSUS_UNKNOWN_VALIDATOR", "CONSENSUS_BAD_SIGNATURE", "CONSENSUS_CONFLICTING_SIGNATURE", "CONSENSUS_WAL_CORRUPT", "CONSENSUS_WAL_IO", "CONSENSUS_BAD_STATE", "CONSENSUS_NO_VALIDATORS", "CONSENSUS_NO_VALIDATOR_SET", "TX_BATCH_MALFORMED", "TRANSPORT_STOPPED", "TRANSPORT_SYNC_FAILED", "TRANSPORT_FETCH_FAILED"]],
    ["bank", BANK_ERRORS, ["BANK_INSUFFICIENT_FUNDS", "BANK_SEND_DISABLED", "BANK_INVALID_AMOUNT", "BANK_DUPLICATE_DENOM", "BANK_MULTISEND_UNBALANCED", "BANK_UNKNOWN_MODULE_ACCOUNT", "BANK_GENESIS_INVALID"]],
    ["staking", STAKING_ERRORS, ["STAKING_VALIDATOR_EXISTS", "STAKING_VALIDATOR_NOT_FOUND", "STAKING_PUBKEY_IN_USE", "STAKING_INVALID_AMOUNT", "STAKING_SELF_DELEGATION_TOO_LOW", "STAKING_COMMISSION_INVALID", "STAKING_COMMISSION_CHANGE_TOO_SOON", "STAKING_COMMISSION_CHANGE_TOO_LARGE", "STAKING_MIN_SELF_DELEGATION_DECREASED", "STAKING_DELEGATION_NOT_FOUND", "STAKING_INSUFFICIENT_SHARES", "STAKING_TOO_MANY_ENTRIES", "STAKING_SELF_REDELEGATION", "STAKING_TRANSITIVE_REDELEGATION", "STAKING_NOT_JAILED", "STAKING_JAIL_PERIOD_ACTIVE", "STAKING_TOMBSTONED", "STAKING_INVALID_EXCHANGE_RATE", "STAKING_GENESIS_INVALID"]],
    ["economy", ECONOMY_ERRORS, ["ECONOMY_UNAUTHORIZED", "ECONOMY_INVALID_PARAMS", "ECONOMY_INVALID_AMOUNT", "ECONOMY_NOT_IN_CRISIS", "ECONOMY_DRAW_CAP_EXCEEDED", "ECONOMY_BUDGET_NOT_FOUND", "ECONOMY_BUDGET_EXHAUSTED", "ECONOMY_GENESIS_INVALID", "ECONOMY_NO_ENERGY_PRICE", "ECONOMY_TREASURY_INSUFFICIENT"]],
    ["gov", GOV_ERRORS, ["GOV_UNAUTHORIZED", "GOV_INVALID_PARAMS", "GOV_INVALID_BAND", "GOV_TOO_MANY_MSGS", "GOV_UNKNOWN_MSG", "GOV_INVALID_MSG", "GOV_MSG_NOT_GOV", "GOV_BAND_TOO_LOW", "GOV_MSG_FAILS", "GOV_CONSTITUTION_VIOLATED", "GOV_WRONG_DENOM", "GOV_UNKNOWN_PROPOSAL", "GOV_NOT_IN_DEPOSIT_PERIOD", "GOV_NOT_IN_VOTING_PERIOD", "GOV_NO_STAKE", "GOV_INVALID_VOTE", "GOV_INVALID_ENDORSEMENT", "GOV_INVALID_AMOUNT", "GOV_GENESIS_INVALID", "GOV_INVALID_CONSTITUTION"]],
    ["arbitration", ARBITRATION_ERRORS, ["ARBITRATION_UNAUTHORIZED", "ARBITRATION_INVALID_PARAMS", "ARBITRATION_GENESIS_INVALID", "ARBITRATION_BAD_HASH", "ARBITRATION_TOO_MUCH_EVIDENCE", "ARBITRATION_BOND_TOO_LOW", "ARBITRATION_WRONG_DENOM", "ARBITRATION_REMEDY_NOT_ALLOWED", "ARBITRATION_SELF_DISPUTE", "ARBITRATION_TOO_FEW_ARBITERS", "ARBITRATION_UNKNOWN_CASE", "ARBITRATION_NOT_ON_PANEL", "ARBITRATION_WRONG_ROUND", "ARBITRATION_DEADLINE_PASSED", "ARBITRATION_DUPLICATE_RULING", "ARBITRATION_NOT_PARTY", "ARBITRATION_NOT_APPEALABLE", "ARBITRATION_NO_MORE_APPEALS", "ARBITRATION_ARBITER_EXISTS", "ARBITRATION_UNKNOWN_ARBITER", "ARBITRATION_CASE_NOT_OPEN", "ARBITRATION_EVIDENCE_PARTY", "ARBITRATION_ARBITER_REMOVED", "ARBITRATION_TOO_MANY_ARBITERS", "ARBITRATION_DUPLICATE_EVIDENCE", "ARBITRATION_NO_GOVERNANCE"]],
    ["bridge", BRIDGE_ERRORS, ["BRIDGE_UNAUTHORIZED", "BRIDGE_INVALID_PARAMS", "BRIDGE_INVALID_CHAIN", "BRIDGE_UNKNOWN_CHAIN", "BRIDGE_CHAIN_DISABLED", "BRIDGE_CHAIN_PAUSED", "BRIDGE_ALREADY_PAUSED", "BRIDGE_INVALID_RECIPIENT", "BRIDGE_INVALID_SENDER", "BRIDGE_INVALID_AMOUNT", "BRIDGE_BELOW_MINIMUM", "BRIDGE_ABOVE_CAPACITY", "BRIDGE_RATE_LIMITED", "BRIDGE_NOT_VALIDATOR", "BRIDGE_STALE_SET", "BRIDGE_DUPLICATE_ATTESTATION", "BRIDGE_DUPLICATE_SIGNATURE", "BRIDGE_ALREADY_PROCESSED", "BRIDGE_UNKNOWN_OUTBOUND", "BRIDGE_OUTBOUND_COMPLETED", "BRIDGE_OUTBOUND_EXPIRED", "BRIDGE_NO_ATTESTATION_KEY", "BRIDGE_INVALID_KEY", "BRIDGE_KEY_IN_USE", "BRIDGE_BAD_SIGNATURE", "BRIDGE_NOT_EXPIRED", "BRIDGE_INSUFFICIENT_ESCROW", "BRIDGE_GENESIS_INVALID"]],
    ["dex", DEX_ERRORS, ["DEX_UNKNOWN_POOL", "DEX_IDENTICAL_DENOMS", "DEX_ZERO_AMOUNT", "DEX_EXPIRED", "DEX_SLIPPAGE_EXCEEDED", "DEX_EXCESSIVE_INPUT_AMOUNT", "DEX_INSUFFICIENT_A_AMOUNT", "DEX_INSUFFICIENT_B_AMOUNT", "DEX_ROUTE_MISSING_POOL", "DEX_RESERVE_OVERFLOW", "DEX_POOL_EXISTS", "DEX_INSUFFICIENT_LIQUIDITY", "DEX_INSUFFICIENT_LIQUIDITY_MINTED", "DEX_INSUFFICIENT_LIQUIDITY_BURNED", "DEX_K", "DEX_INVALID_ROUTE", "DEX_UNAUTHORIZED", "DEX_PROTOCOL_FEE_UNAVAILABLE", "DEX_GENESIS_INVALID", "DEX_INSUFFICIENT_HISTORY", "DEX_INVALID_RECIPIENT", "DEX_INVALID_FEE_SHARES"]],
    ["bhls", BHLS_ERRORS, ["BHLS_UNAUTHORIZED", "BHLS_INVALID_PARAMS", "BHLS_UNKNOWN_ATTESTOR", "BHLS_WRONG_CHAIN", "BHLS_BAD_ATTESTATION", "BHLS_ATTESTATION_EXPIRED", "BHLS_PHONE_HASH_IN_USE", "BHLS_ALREADY_CITIZEN", "BHLS_ALREADY_REGISTERED", "BHLS_STALE_ATTESTATION", "BHLS_SENDER_NOT_ATTESTOR", "BHLS_NOT_CITIZEN", "BHLS_CITIZEN_EXPIRED", "BHLS_ALREADY_CLAIMED", "BHLS_RESERVE_EXHAUSTED", "BHLS_UNKNOWN_BRIDGE_CHAIN", "BHLS_ATTESTOR_EXISTS", "BHLS_GENESIS_INVALID"]],
    ["achievements", ACHIEVEMENTS_ERRORS, ["ACHIEVEMENTS_SELF_REFERRAL", "ACHIEVEMENTS_REFERRER_NOT_CITIZEN", "ACHIEVEMENTS_REFERRER_SET", "ACHIEVEMENTS_ALREADY_CITIZEN", "ACHIEVEMENTS_GENESIS_INVALID"]],
    ["deploy", DEPLOY_ERRORS, ["DEPLOY_KEY_MISSING", "DEPLOY_KEY_MALFORMED", "DEPLOY_RPC_UNREACHABLE", "DEPLOY_INSUFFICIENT_FUNDS", "DEPLOY_FOREIGN_CODE", "DEPLOY_CODE_MISSING", "DEPLOY_OTHER_CHAIN", "DEPLOY_PARAMETERS_INVALID", "DEPLOY_PARAMETERS_MISSING", "DEPLOY_FAILED"]],
    ["polkadot", POLKADOT_ERRORS, ["POLKADOT_CONFIG_INVALID", "POLKADOT_WRONG_CHAIN", "POLKADOT_MULTISIG_MISMATCH", "POLKADOT_BAD_TRANSFER", "POLKADOT_NOT_FINAL", "POLKADOT_NO_RELAYER_ROLE", "POLKADOT_ASSET_NOT_BRIDGED", "POLKADOT_EXTRINSIC_FAILED", "POLKADOT_RPC"]],
    ["counter", COUNTER_ERRORS, ["COUNTER_STEP_TOO_LARGE", "COUNTER_UNDERFLOW", "COUNTER_GENESIS_INVALID"]],
    ["quantum", QUANTUM_ERRORS, ["CRYPTO_BAD_KEY", "CRYPTO_BAD_SEED", "CRYPTO_BAD_CIPHERTEXT", "CRYPTO_BAD_CONTEXT", "CRYPTO_DECRYPT_FAILED", "CRYPTO_UNSUPPORTED", "QKD_HTTP_ERROR", "QKD_BAD_RESPONSE", "QKD_NETWORK", "QKD_BAD_REQUEST", "QKD_KEY_UNAVAILABLE"]],
    ["p2p", P2P_ERRORS, ["NET_BAD_CONFIG", "NET_IDENTITY_IO", "NET_MESSAGE_TOO_LARGE", "NET_NOT_STARTED", "NET_UNKNOWN_TOPIC", "NET_SYNC_BAD_FRAME", "NET_SYNC_TIMEOUT", "NET_SYNC_NO_PEERS", "NET_SYNC_APPLY_FAILED", "NET_SYNC_ABORTED", "NET_TXFETCH_BAD_FRAME", "TRANSPORT_STOPPED", "TRANSPORT_SYNC_FAILED", "TRANSPORT_FETCH_FAILED"]],
  ];
  for (const [codespace, table, codes] of pinned) {
    it(`${codespace}: numbers are pinned (codes may be appended, never renumbered)`, () => {
      checkErrorTable(codespace, table);
      expect(Object.entries(table).slice(0, codes.length)).to.deep.equal(codes.map((c, i) => [c, i + 1]));
    });
  }
});

describe("errors: RPC mapping by type", () => {
  it("a TxError → -32000 − its number; data { code, codespace, number, context }", () => {
    const { error, internal } = toErrorObject(new TxError("TX_WRONG_CHAIN", "chain id other, expected nexus-1", { expected: "nexus-1", got: "other" }));
    expect(internal).to.equal(false);
    expect(error).to.deep.equal({
      code: -32002,
      message: "chain id other, expected nexus-1",
      data: { code: "TX_WRONG_CHAIN", codespace: "tx", number: 2, context: { expected: "nexus-1", got: "other" } },
    });
  });

  it("any other NexusError → -32000 node error with its codespace and context", () => {
    expect(toErrorObject(new BankError("BANK_INSUFFICIENT_FUNDS", "poor", { need: "5" })).error).to.deep.equal({
      code: RPC_ERRORS.NODE_ERROR,
      message: "poor",
      data: { code: "BANK_INSUFFICIENT_FUNDS", codespace: "bank", number: 1, context: { need: "5" } },
    });
    expect(toErrorObject(new NexusError("node", "QUERY_UNKNOWN_PATH", "no route", { path: "x" })).error).to.deep.equal({
      code: RPC_ERRORS.NODE_ERROR,
      message: "no route",
      data: { code: "QUERY_UNKNOWN_PATH", codespace: "node", context: { path: "x" } },
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toErrorObject(new StateError("STATE_CORRUPT", "bad", cyclic)).error.data).to.deep.equal({ code: "STATE_CORRUPT", codespace: "state", number: 7, context: {} });
  });

  it("an RpcError keeps its JSON-RPC code and data", () => {
    expect(toErrorObject(new RpcError(RPC_ERRORS.SUBSCRIPTION_LIMIT, "too many", { limit: 32 }))).to.deep.equal({ error: { code: -32099, message: "too many", data: { limit: 32 } }, internal: false });
  });

  it("anything else → -32603 with no details, even an Error whose code looks like ours", () => {
    const bare = { error: { code: RPC_ERRORS.INTERNAL_ERROR, message: "internal error (see the node log)" }, internal: true };
    expect(toErrorObject(new Error("secret /home/x"))).to.deep.equal(bare);
    expect(toErrorObject(Object.assign(new Error("secret"), { code: "BANK_INSUFFICIENT_FUNDS", context: { a: 1 } }))).to.deep.equal(bare);
    expect(toErrorObject(Object.assign(new Error("no such file"), { code: "ENOENT" }))).to.deep.equal(bare);
    expect(toErrorObject("a string")).to.deep.equal(bare);
  });

  it("the dispatcher answers a NexusError to the client and logs only the unexpected error", async () => {
    const logged: unknown[] = [];
    const logger = { error: (o: unknown): void => void logged.push(o) };
    let next: unknown;
    const api = {
      status: (): never => {
        throw next;
      },
    } as unknown as NodeApi;
    const d = new RpcDispatcher(api, { logger: logger as never });
    next = new NodeError("NODE_NOT_FOUND", "no block 9");
    const typed = await d.handleMessage({ jsonrpc: "2.0", id: 1, method: "nexus_status" }, "http");
    expect(typed).to.deep.equal({ jsonrpc: "2.0", id: 1, error: { code: -32000, message: "no block 9", data: { code: "NODE_NOT_FOUND", codespace: "node", number: 3, context: {} } } });
    expect(logged).to.have.length(0);
    next = new TypeError("cannot read properties of undefined");
    const plain = await d.handleMessage({ jsonrpc: "2.0", id: 2, method: "nexus_status" }, "http");
    expect(plain).to.deep.equal({ jsonrpc: "2.0", id: 2, error: { code: -32603, message: "internal error (see the node log)" } });
    expect(logged).to.have.length(1);
  });
});
