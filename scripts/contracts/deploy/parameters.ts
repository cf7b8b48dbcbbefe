// The suite's deployment parameters: Ignition's own parameters file (JSON5, one object per
// module), checked and normalised before Ignition sees it, so a typo is named here rather than
// as a revert of the bridge's constructor.
import { readDeploymentParameters } from "@nomicfoundation/hardhat-ignition/helpers";
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import { access } from "node:fs/promises";
import path from "node:path";
import { getAddress, isAddress, type Address } from "viem";
import { BRIDGE_DEFAULTS } from "../../../ignition/modules/NexusBridge.ts";
import { DeployError } from "./errors.ts";

export interface SuiteParameters {
  validators: Address[];
  powers: bigint[];
  wnxtCapacity: bigint;
  wnxtRefillPerSecond: bigint;
  bhlsCapacity: bigint;
  bhlsRefillPerSecond: bigint;
  /** undefined: not given (the chain's value stands; zero on a first deploy). */
  feeTo?: Address;
  /** undefined: not given (the deployer on a first deploy). */
  feeToSetter?: Address;
}

/** The file a network's parameters come from unless --parameters names one. */
export async function defaultParametersFile(root: string, networkName: string, inProcess: boolean): Promise<string | undefined> {
  const candidates = [path.join(root, "ignition/parameters", `${networkName}.json5`)];
  // The in-process chain has Hardhat's funded accounts, like a local node: same parameters.
  if (inProcess) candidates.push(path.join(root, "ignition/parameters/localhost.json5"));
  for (const file of candidates) {
    try {
      await access(file);
      return file;
    } catch {
      // next
    }
  }
  return undefined;
}

export async function readParametersFile(file: string): Promise<DeploymentParameters> {
  try {
    return await readDeploymentParameters(file);
  } catch (e) {
    const cause = (e as { cause?: Error }).cause?.message ?? (e as Error).message;
    throw new DeployError("DEPLOY_PARAMETERS_INVALID", `${file} is not a valid parameters file: ${cause}`, { file });
  }
}

const MAX_VALIDATORS = 128;
const UINT96_MAX = (1n << 96n) - 1n;

/** Checks the raw Ignition parameters and returns them typed, validators sorted ascending. */
export function checkParameters(raw: DeploymentParameters, source: string): SuiteParameters {
  const bad = (message: string): never => {
    throw new DeployError("DEPLOY_PARAMETERS_INVALID", `${source}: ${message}`, { source });
  };
  const known = new Set(["NexusBridge", "NexusDEX", "NexusSuite"]);
  for (const key of Object.keys(raw)) if (!known.has(key)) bad(`unknown module "${key}" (expected NexusBridge, NexusDEX)`);
  const bridge = (raw.NexusBridge ?? {}) as Record<string, unknown>;
  const dex = (raw.NexusDEX ?? {}) as Record<string, unknown>;
  const allowed = {
    NexusBridge: ["validators", "powers", "wnxtCapacity", "wnxtRefillPerSecond", "bhlsCapacity", "bhlsRefillPerSecond"],
    NexusDEX: ["feeTo", "feeToSetter"],
  };
  for (const [mod, obj] of [["NexusBridge", bridge], ["NexusDEX", dex]] as const) {
    for (const key of Object.keys(obj)) {
      if (!allowed[mod].includes(key)) bad(`${mod}.${key} is not a parameter (known: ${allowed[mod].join(", ")})`);
    }
  }
  const amount = (name: string, value: unknown, fallback: bigint): bigint => {
    if (value === undefined) return fallback;
    const v = typeof value === "bigint" ? value : typeof value === "string" && /^[0-9]+n?$/.test(value) ? BigInt(value.replace(/n$/, "")) : undefined;
    if (v === undefined) return bad(`NexusBridge.${name} must be an integer written as "123n", got ${JSON.stringify(String(value))}`);
    if (v <= 0n || v > UINT96_MAX) return bad(`NexusBridge.${name} must be above 0 and fit uint96, got ${v}`);
    return v;
  };
  const address = (name: string, value: unknown): Address => {
    if (typeof value !== "string" || !isAddress(value, { strict: false })) bad(`${name}: ${JSON.stringify(value)} is not an address`);
    return getAddress(value as string);
  };

  if (!Array.isArray(bridge.validators) || bridge.validators.length === 0) {
    bad("NexusBridge.validators is required: the NexusOS validators' EVM attestation keys (`nexus query bridge attestationKeys --family evm`)");
  }
  const keys = (bridge.validators as unknown[]).map((v, i) => address(`NexusBridge.validators[${i}]`, v));
  if (!Array.isArray(bridge.powers) || bridge.powers.length !== keys.length) {
    bad(`NexusBridge.powers must list one power per validator (${keys.length}), in the same order`);
  }
  const powers = (bridge.powers as unknown[]).map((p, i) => amount(`powers[${i}]`, p, 0n));
  if (keys.length > MAX_VALIDATORS) bad(`at most ${MAX_VALIDATORS} validators, got ${keys.length}`);
  const pairs = keys.map((k, i) => ({ k, p: powers[i]! })).sort((a, b) => (BigInt(a.k) < BigInt(b.k) ? -1 : BigInt(a.k) > BigInt(b.k) ? 1 : 0));
  for (let i = 1; i < pairs.length; i++) if (pairs[i]!.k === pairs[i - 1]!.k) bad(`validator ${pairs[i]!.k} is listed twice`);
  const total = powers.reduce((a, b) => a + b, 0n);
  if (total > UINT96_MAX) bad(`the validators' total power ${total} does not fit uint96`);

  return {
    validators: pairs.map((x) => x.k),
    powers: pairs.map((x) => x.p),
    wnxtCapacity: amount("wnxtCapacity", bridge.wnxtCapacity, BRIDGE_DEFAULTS.wnxtCapacity),
    wnxtRefillPerSecond: amount("wnxtRefillPerSecond", bridge.wnxtRefillPerSecond, BRIDGE_DEFAULTS.wnxtRefillPerSecond),
    bhlsCapacity: amount("bhlsCapacity", bridge.bhlsCapacity, BRIDGE_DEFAULTS.bhlsCapacity),
    bhlsRefillPerSecond: amount("bhlsRefillPerSecond", bridge.bhlsRefillPerSecond, BRIDGE_DEFAULTS.bhlsRefillPerSecond),
    ...(dex.feeTo !== undefined ? { feeTo: address("NexusDEX.feeTo", dex.feeTo) } : {}),
    ...(dex.feeToSetter !== undefined ? { feeToSetter: address("NexusDEX.feeToSetter", dex.feeToSetter) } : {}),
  };
}

/** The parameters as Ignition takes them. */
export function toIgnitionParameters(p: SuiteParameters): DeploymentParameters {
  return {
    NexusBridge: {
      validators: p.validators,
      powers: p.powers,
      wnxtCapacity: p.wnxtCapacity,
      wnxtRefillPerSecond: p.wnxtRefillPerSecond,
      bhlsCapacity: p.bhlsCapacity,
      bhlsRefillPerSecond: p.bhlsRefillPerSecond,
    },
    NexusDEX: {
      ...(p.feeTo !== undefined ? { feeTo: p.feeTo } : {}),
      ...(p.feeToSetter !== undefined ? { feeToSetter: p.feeToSetter } : {}),
    },
  };
}
