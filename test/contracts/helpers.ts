// Shared helpers for the contract tests: one in-process EDR chain per test
// file, snapshots for fast fixtures, and revert assertions that decode custom
// errors against the ABIs of every contract in the project (a router call may
// revert with the pair's or a token's error).
import type {} from "@nomicfoundation/hardhat-viem"; // brings the `viem` field of network connections into the types
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import {
  BaseError,
  decodeErrorResult,
  type Abi,
  type Hex,
} from "viem";

const ROOT = path.resolve(import.meta.dirname, "../..");

let allErrorsAbi: Abi | undefined;

/** Every `error` entry of every compiled contract under artifacts/contracts. */
async function projectErrorsAbi(): Promise<Abi> {
  if (allErrorsAbi !== undefined) return allErrorsAbi;
  const seen = new Map<string, Abi[number]>();
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json")) {
        const artifact = JSON.parse(await readFile(p, "utf8")) as { abi?: Abi };
        for (const item of artifact.abi ?? []) {
          if (item.type !== "error") continue;
          const key = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
          seen.set(key, item);
        }
      }
    }
  }
  await walk(path.join(ROOT, "artifacts/contracts"));
  allErrorsAbi = [...seen.values()];
  return allErrorsAbi;
}

/** The revert data carried somewhere in a viem error chain. */
function revertData(err: unknown): Hex | undefined {
  let found: Hex | undefined;
  const visit = (e: unknown, depth: number): void => {
    if (found !== undefined || e === null || typeof e !== "object" || depth > 12) return;
    const o = e as Record<string, unknown>;
    for (const key of ["raw", "data"]) {
      const v = o[key];
      if (typeof v === "string" && /^0x[0-9a-fA-F]{8,}$/.test(v)) {
        found = v as Hex;
        return;
      }
      if (v !== null && typeof v === "object" && typeof (v as Record<string, unknown>).data === "string") {
        const d = (v as Record<string, unknown>).data as string;
        if (/^0x[0-9a-fA-F]{8,}$/.test(d)) {
          found = d as Hex;
          return;
        }
      }
    }
    visit(o.cause, depth + 1);
    visit(o.error, depth + 1);
  };
  visit(err, 0);
  return found;
}

/** The custom error a failed call reverted with, or "(no revert data)" (a call to a missing contract, say). */
export async function revertName(error: unknown): Promise<string> {
  const data = revertData(error);
  if (data === undefined) return "(no revert data)";
  try {
    return decodeErrorResult({ abi: await projectErrorsAbi(), data }).errorName;
  } catch {
    return `(undecoded ${data.slice(0, 10)})`;
  }
}

/**
 * Awaits `p` and asserts that it reverted with the custom error `name`
 * (and, when given, exactly these arguments).
 */
export async function expectRevert(p: Promise<unknown>, name: string, args?: readonly unknown[]): Promise<void> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  if (error === undefined) assert.fail(`expected a revert with ${name}, but the call succeeded`);
  const data = revertData(error);
  if (data === undefined) {
    const msg = error instanceof BaseError ? error.shortMessage : String(error);
    assert.fail(`expected a revert with ${name}, got an error without revert data: ${msg}`);
  }
  const decoded = decodeErrorResult({ abi: await projectErrorsAbi(), data });
  assert.equal(decoded.errorName, name, `reverted with ${decoded.errorName}(${String(decoded.args)}), not ${name}`);
  if (args !== undefined) assert.deepEqual(decoded.args, args);
}

export async function connect() {
  const connection = await network.create();
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const testClient = await viem.getTestClient();
  const wallets = await viem.getWalletClients();
  return { connection, viem, publicClient, testClient, wallets };
}

export type Chain = Awaited<ReturnType<typeof connect>>;

/**
 * Runs `setup` once and then restores the chain to the state right after it
 * before every test (an EVM snapshot per test is far cheaper than redeploying).
 */
export function snapshotFixture<T>(chain: () => Chain, setup: () => Promise<T>): () => T {
  let value: T | undefined;
  let snapshot: Hex | undefined;
  before(async () => {
    value = await setup();
    snapshot = await chain().testClient.snapshot();
  });
  beforeEach(async () => {
    await chain().testClient.revert({ id: snapshot! });
    // evm_revert consumes the snapshot: take a fresh one at the same state.
    snapshot = await chain().testClient.snapshot();
  });
  return () => value!;
}

/** Moves the next block's timestamp forward and mines it. */
export async function advanceTime(chain: Chain, seconds: number): Promise<void> {
  const latest = await chain.publicClient.getBlock();
  await chain.testClient.setNextBlockTimestamp({ timestamp: latest.timestamp + BigInt(seconds) });
  await chain.testClient.mine({ blocks: 1 });
}

/** Gas used by a sent transaction. */
export async function gasOf(chain: Chain, hash: Promise<Hex> | Hex): Promise<bigint> {
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: await hash });
  return receipt.gasUsed;
}

export const e18 = (n: bigint | number): bigint => BigInt(n) * 10n ** 18n;
