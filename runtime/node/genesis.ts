import { readFileSync } from "node:fs";
import type { GenesisDoc } from "../app/application.ts";
import { defaultRuntimeParamsJson } from "../app/runtime-params.ts";
import type { ModuleManager } from "../modules/manager.ts";
import { NodeErrors } from "./errors.ts";

export class GenesisFileError extends NodeErrors<"GENESIS_INVALID"> {
  constructor(message: string) {
    super("GENESIS_INVALID", message);
  }
}

export function buildGenesis(chainId: string, genesisTime: number, modules: ModuleManager, overrides: Record<string, unknown> = {}): GenesisDoc {
  return { chainId, genesisTime, runtime: defaultRuntimeParamsJson(), modules: { ...modules.defaultGenesis(), ...overrides } };
}

export function readGenesis(path: string): GenesisDoc {
  let g: GenesisDoc;
  try {
    g = JSON.parse(readFileSync(path, "utf8")) as GenesisDoc;
  } catch (e) {
    throw new GenesisFileError(`cannot read genesis file ${path}: ${(e as Error).message}; create one with \`nexus init\``);
  }
  if (!g || typeof g.chainId !== "string" || !Number.isSafeInteger(g.genesisTime) || typeof g.modules !== "object" || typeof g.runtime !== "object") {
    throw new GenesisFileError(`${path} must have chainId (string), genesisTime (ms integer), runtime (object) and modules (object)`);
  }
  return g;
}
