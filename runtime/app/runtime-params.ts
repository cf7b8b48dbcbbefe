import type { FromSchema } from "json-schema-to-ts";
import { Band } from "../tx/bands.ts";
import { defaultJoulesPerUnit, formatRational, parseRational, type JoulesPerUnit } from "../tx/fees.ts";

const rational = { type: "string", pattern: "^[0-9]+/[1-9][0-9]*$" } as const;

/** Chain-wide runtime parameters: in genesis and in state, so governance can change them. */
export const runtimeParamsSchema = {
  $id: "https://nexusos.dev/schemas/runtime.v1.Params.json",
  type: "object",
  properties: {
    /** joulesPerUnit per band 1..7, as exact "num/den" joules. */
    joulesPerUnit: {
      type: "object",
      properties: { "1": rational, "2": rational, "3": rational, "4": rational, "5": rational, "6": rational, "7": rational },
      required: ["1", "2", "3", "4", "5", "6", "7"],
      additionalProperties: false,
    },
    maxTxBytes: { type: "integer", minimum: 256, maximum: 4194304 },
    maxBlockBytes: { type: "integer", minimum: 1024, maximum: 268435456 },
    maxBlockTxs: { type: "integer", minimum: 1, maximum: 100000 },
  },
  required: ["joulesPerUnit", "maxTxBytes", "maxBlockBytes", "maxBlockTxs"],
  additionalProperties: false,
} as const;

export type RuntimeParamsJson = FromSchema<typeof runtimeParamsSchema>;

export interface RuntimeParams {
  readonly joulesPerUnit: JoulesPerUnit;
  readonly maxTxBytes: number;
  readonly maxBlockBytes: number;
  readonly maxBlockTxs: number;
}

export function defaultRuntimeParamsJson(): RuntimeParamsJson {
  const j = defaultJoulesPerUnit();
  const jpu = {} as Record<string, string>;
  for (let b = Band.NANO; b <= Band.PLANCK; b++) jpu[String(b)] = formatRational(j[b as Band]);
  return {
    joulesPerUnit: jpu as RuntimeParamsJson["joulesPerUnit"],
    maxTxBytes: 65536,
    maxBlockBytes: 16 * 1024 * 1024,
    maxBlockTxs: 20000,
  };
}

export function parseRuntimeParams(j: RuntimeParamsJson): RuntimeParams {
  const jpu = {} as JoulesPerUnit;
  for (let b = Band.NANO; b <= Band.PLANCK; b++) jpu[b as Band] = parseRational(j.joulesPerUnit[String(b) as "1"]);
  return { joulesPerUnit: jpu, maxTxBytes: j.maxTxBytes, maxBlockBytes: j.maxBlockBytes, maxBlockTxs: j.maxBlockTxs };
}
