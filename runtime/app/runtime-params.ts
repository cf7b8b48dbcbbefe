import type { FromSchema } from "json-schema-to-ts";
import { Band } from "../tx/bands.ts";
import { defaultJoulesPerUnit, formatRational, parseRational, type JoulesPerUnit } from "../tx/fees.ts";
import { utf8 } from "../crypto/hash.ts";
import type { Ctx } from "../modules/types.ts";

/** Where the runtime params live in state: key "params" of the "runtime" namespace. */
export const RUNTIME_NS = "runtime";
export const RUNTIME_PARAMS_KEY = "params";

const rational = { type: "string", pattern: "^[0-9]+/[1-9][0-9]*$" } as const;

/** Chain-wide runtime parameters: in genesis and in state. Only initChain writes them today: no message changes them yet (a governance-authorised update message is still to come). */
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

let lastRead: { raw: Uint8Array; params: RuntimeParams } | undefined;

/**
 * The runtime params of the state a module runs on (the same branch: a change governance made
 * earlier in the block is seen), for modules that price in the runtime's units (economy's
 * postage buys energy at joulesPerUnit). Parsed again only when the stored bytes change.
 * Undefined before genesis has written them.
 */
export function readRuntimeParams(ctx: Ctx): RuntimeParams | undefined {
  const raw = ctx.kv(RUNTIME_NS).get(utf8(RUNTIME_PARAMS_KEY));
  if (raw === undefined) return undefined;
  if (lastRead && Buffer.from(lastRead.raw).equals(raw)) return lastRead.params;
  const params = parseRuntimeParams(JSON.parse(new TextDecoder().decode(raw)) as RuntimeParamsJson);
  lastRead = { raw: raw.slice(), params };
  return params;
}
