// What the chain holds after a deploy, and where it differs from the parameters file.
import type {} from "@nomicfoundation/hardhat-viem";
import type { NetworkConnection } from "hardhat/types/network";
import { getAddress, type Address } from "viem";
import type { SuiteParameters } from "./parameters.ts";
import type { Drift, OnChainSettings } from "./record.ts";
import { DeployError } from "./errors.ts";

export interface SuiteAddresses {
  NexusBridge: Address;
  WNXT: Address;
  BHLSDistributor: Address;
  NexusDEXFactory: Address;
  NexusDEXRouter: Address;
}

/** Reads every setting back, and checks the contracts point at one another as they should. */
export async function readOnChain(connection: NetworkConnection, a: SuiteAddresses): Promise<OnChainSettings> {
  const { viem } = connection;
  const bridge = await viem.getContractAt("NexusBridge", a.NexusBridge);
  const factory = await viem.getContractAt("NexusDEXFactory", a.NexusDEXFactory);
  const router = await viem.getContractAt("NexusDEXRouter", a.NexusDEXRouter);
  const wnxt = await viem.getContractAt("WNXT", a.WNXT);
  const [keys, powers] = await bridge.read.validators();
  const [setId, , , paused] = await bridge.read.config();
  const wnxtLimit = await bridge.read.rateLimits([a.WNXT]);
  const bhlsLimit = await bridge.read.rateLimits([a.BHLSDistributor]);
  const feeTo = await factory.read.feeTo();
  const feeToSetter = await factory.read.feeToSetter();
  const links: [string, Address, Address][] = [
    ["NexusBridge.wnxt()", getAddress(await bridge.read.wnxt()), a.WNXT],
    ["NexusBridge.bhlsDistributor()", getAddress(await bridge.read.bhlsDistributor()), a.BHLSDistributor],
    ["WNXT.bridge()", getAddress(await wnxt.read.bridge()), a.NexusBridge],
    ["NexusDEXRouter.factory()", getAddress(await router.read.factory()), a.NexusDEXFactory],
  ];
  for (const [what, have, want] of links) {
    if (have !== want) {
      throw new DeployError("DEPLOY_FOREIGN_CODE", `${what} is ${have}, not ${want}: these contracts are not one deployment of the suite`, { what, have, want });
    }
  }
  return {
    validators: keys.map((k) => getAddress(k)),
    powers: powers.map(String),
    validatorSetId: setId.toString(),
    wnxtCapacity: wnxtLimit[0].toString(),
    wnxtRefillPerSecond: wnxtLimit[1].toString(),
    bhlsCapacity: bhlsLimit[0].toString(),
    bhlsRefillPerSecond: bhlsLimit[1].toString(),
    paused,
    dexFeeTo: getAddress(feeTo),
    dexFeeToSetter: getAddress(feeToSetter),
  };
}

const ROTATE = "a validator-set rotation signed by the current and the incoming set (updateValidatorSet, sent by the NexusOS bridge relayer); redeploying would orphan WNXT";
const RATE = "setRateLimit signed by validators holding more than 2/3 of the power (docs/contracts.md, NexusBridge)";

/** Settings whose chain value differs from the parameters; unspecified DEX settings are not compared. */
export function findDrift(onChain: OnChainSettings, wanted: SuiteParameters, deployer: Address): Drift[] {
  const drift: Drift[] = [];
  const add = (setting: Drift["setting"], have: string, want: string, howToChange: string) => {
    if (have !== want) drift.push({ setting, onChain: have, wanted: want, howToChange });
  };
  add("validators", onChain.validators.join(","), wanted.validators.join(","), ROTATE);
  add("powers", onChain.powers.join(","), wanted.powers.join(","), ROTATE);
  add("wnxtCapacity", onChain.wnxtCapacity, wanted.wnxtCapacity.toString(), RATE);
  add("wnxtRefillPerSecond", onChain.wnxtRefillPerSecond, wanted.wnxtRefillPerSecond.toString(), RATE);
  add("bhlsCapacity", onChain.bhlsCapacity, wanted.bhlsCapacity.toString(), RATE);
  add("bhlsRefillPerSecond", onChain.bhlsRefillPerSecond, wanted.bhlsRefillPerSecond.toString(), RATE);
  const setterCan = onChain.dexFeeToSetter === deployer ? "apply" : `only the feeToSetter ${onChain.dexFeeToSetter} can change it`;
  if (wanted.feeTo !== undefined) add("dexFeeTo", onChain.dexFeeTo, wanted.feeTo, setterCan);
  if (wanted.feeToSetter !== undefined) add("dexFeeToSetter", onChain.dexFeeToSetter, wanted.feeToSetter, setterCan);
  return drift;
}
