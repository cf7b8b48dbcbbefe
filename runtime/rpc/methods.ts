import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import { decodeAddress } from "../crypto/address.ts";
import type { NodeApi } from "../node/node-api.ts";
import { RpcError, RPC_ERRORS } from "./protocol.ts";

/**
 * The RPC method table: names, parameter schemas and handlers. Names and parameter shapes are
 * API (docs/rpc.md); add methods, never change what an existing one means.
 *
 * Params may be positional (array, in the order listed here) or named (object).
 */
export const ADDRESS_PATTERN = "^nxs1[02-9ac-hj-np-z]{20,110}$";
export const DENOM_PATTERN = "^[a-z][a-z0-9/._-]{1,63}$";
export const HASH_PATTERN = "^(0x)?[0-9a-fA-F]{64}$";
/**
 * Hex digits, 0x optional. A plain character class: a repeated group such as `([0-9a-f]{2})+`
 * makes V8's regex engine recurse per repetition and overflow the stack on megabytes of input.
 * Even length is checked by the handlers (evenHex).
 */
export const HEX_PATTERN = "^(0x)?[0-9a-fA-F]*$";
export const DEFAULT_DENOM = "nxt";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const denom = { type: "string", pattern: DENOM_PATTERN } as const;
const hash = { type: "string", pattern: HASH_PATTERN } as const;

export interface ParamDef {
  name: string;
  schema: Record<string, unknown>;
  optional?: boolean;
  /** Checked with decodeAddress after the schema, so a bad checksum gets a precise message. */
  address?: boolean;
}

/** Per-connection capabilities a handler may use (subscriptions exist only on WebSocket). */
export interface CallContext {
  subscribe?(topic: "newBlocks" | "events", filter: EventFilter | undefined): string;
  unsubscribe?(id: string): boolean;
}

export interface EventFilter {
  type?: string;
  attributes?: Record<string, string>;
}

export interface MethodDef {
  name: string;
  params: ParamDef[];
  wsOnly?: boolean;
  handle(api: NodeApi, p: Record<string, unknown>, ctx: CallContext): unknown;
}

/** Hex without 0x, lowercase: the form every NodeApi view uses. */
function stripHexPrefix(s: string): string {
  return s.startsWith("0x") ? s.slice(2) : s;
}

/** The digits of a hex param without its 0x, refused unless they are whole, non-empty bytes. */
function evenHex(name: string, s: string): string {
  const digits = stripHexPrefix(s);
  if (digits.length === 0 || digits.length % 2 !== 0) {
    throw new RpcError(RPC_ERRORS.INVALID_PARAMS, `${name} must be whole bytes of hex (an even number of digits, at least 2), got ${digits.length} digits`);
  }
  return digits;
}

export function normHex(s: string): string {
  return (s.startsWith("0x") ? s.slice(2) : s).toLowerCase();
}

export const METHODS: readonly MethodDef[] = [
  { name: "nexus_status", params: [], handle: (api) => api.status() },
  {
    name: "nexus_sendTx",
    // Hex, like every other byte string in this API (0x prefix optional).
    params: [{ name: "tx", schema: { type: "string", pattern: HEX_PATTERN } }],
    // The schema checked the hex; Buffer.from takes either case and slices Node's shared pool
    // (a copy into its own ArrayBuffer would be one malloc per submitted transaction).
    handle: (api, p) => api.submitTx(Buffer.from(evenHex("tx", p.tx as string), "hex")),
  },
  { name: "nexus_getTx", params: [{ name: "hash", schema: hash }], handle: (api, p) => api.getTx(normHex(p.hash as string)) },
  {
    name: "nexus_getBlock",
    params: [{ name: "block", schema: { anyOf: [{ type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, hash] } }],
    handle: (api, p) => api.getBlock(typeof p.block === "number" ? p.block : normHex(p.block as string)) ?? null,
  },
  { name: "nexus_getAccount", params: [{ name: "address", schema: address, address: true }], handle: (api, p) => api.getAccount(p.address as string) },
  {
    name: "nexus_getBalance",
    params: [
      { name: "address", schema: address, address: true },
      { name: "denom", schema: denom, optional: true },
    ],
    handle: (api, p) => api.getBalance(p.address as string, (p.denom as string | undefined) ?? DEFAULT_DENOM),
  },
  { name: "nexus_getProof", params: [{ name: "key", schema: { type: "string", pattern: HEX_PATTERN, maxLength: 2050 } }], handle: (api, p) => api.prove(evenHex("key", p.key as string).toLowerCase()) },
  {
    name: "nexus_proveBalance",
    params: [
      { name: "address", schema: address, address: true },
      { name: "denom", schema: denom, optional: true },
    ],
    handle: (api, p) => api.proveBalance(p.address as string, (p.denom as string | undefined) ?? DEFAULT_DENOM),
  },
  {
    name: "nexus_query",
    params: [
      { name: "path", schema: { type: "string", pattern: "^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", maxLength: 256 } },
      { name: "params", schema: { type: "object" }, optional: true },
    ],
    handle: (api, p) => api.query(p.path as string, (p.params as Record<string, unknown> | undefined) ?? {}) ?? null,
  },
  { name: "nexus_params", params: [], handle: (api) => api.params() },
  {
    // TEST ONLY: answers only on a node started with NEXUS_TEST_HOOKS=1 (partition tests).
    name: "nexus_testPartition",
    params: [{ name: "peers", schema: { type: "array", items: { type: "string", maxLength: 128 }, maxItems: 1000 } }],
    handle: (api, p) => {
      if (!api.testPartition) throw new RpcError(RPC_ERRORS.INVALID_PARAMS, "test hooks are off on this node (NEXUS_TEST_HOOKS=1 turns them on)");
      return api.testPartition(p.peers as string[]);
    },
  },
  {
    name: "nexus_subscribe",
    wsOnly: true,
    params: [
      { name: "topic", schema: { enum: ["newBlocks", "events"] } },
      {
        name: "filter",
        optional: true,
        schema: {
          type: "object",
          properties: {
            type: { type: "string", minLength: 1, maxLength: 128 },
            attributes: { type: "object", maxProperties: 16, additionalProperties: { type: "string", maxLength: 1024 } },
          },
          additionalProperties: false,
        },
      },
    ],
    handle: (_api, p, ctx) => {
      if (p.topic === "newBlocks" && p.filter !== undefined) throw new RpcError(RPC_ERRORS.INVALID_PARAMS, 'invalid params: param "filter" applies only to the "events" topic');
      return ctx.subscribe!(p.topic as "newBlocks" | "events", p.filter as EventFilter | undefined);
    },
  },
  {
    name: "nexus_unsubscribe",
    wsOnly: true,
    params: [{ name: "subscription", schema: { type: "string", minLength: 1, maxLength: 64 } }],
    handle: (_api, p, ctx) => ctx.unsubscribe!(p.subscription as string),
  },
];

export const METHOD_NAMES: readonly string[] = METHODS.map((m) => m.name);

function describe(e: ErrorObject, names: string[]): string {
  const seg = e.instancePath.split("/").filter(Boolean);
  const head = seg[0] !== undefined ? `param "${seg[0]}"` : "params";
  const rest = seg.length > 1 ? `.${seg.slice(1).join(".")}` : "";
  const where = head + rest;
  switch (e.keyword) {
    case "required":
      return `missing param "${(e.params as { missingProperty: string }).missingProperty}"`;
    case "additionalProperties":
      return seg.length === 0
        ? `unknown param "${(e.params as { additionalProperty: string }).additionalProperty}" (expected: ${names.join(", ") || "none"})`
        : `${where} has unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case "pattern":
      return `${where} must match ${(e.params as { pattern: string }).pattern}`;
    case "anyOf":
      return `${where} must be a block height (integer) or a 32-byte block hash (hex)`;
    default:
      return `${where} ${e.message ?? "is invalid"}`;
  }
}

/** A compiled method: validates params (positional or named) and runs the handler. */
export interface CompiledMethod {
  def: MethodDef;
  call(api: NodeApi, params: unknown, ctx: CallContext): unknown;
}

export function compileMethods(defs: readonly MethodDef[] = METHODS): Map<string, CompiledMethod> {
  const ajv = new Ajv2020({ strict: true, allErrors: false });
  const out = new Map<string, CompiledMethod>();
  for (const def of defs) {
    const names = def.params.map((p) => p.name);
    const validate: ValidateFunction = ajv.compile({
      $id: `https://nexusos.dev/schemas/rpc/${def.name}.params.json`,
      type: "object",
      properties: Object.fromEntries(def.params.map((p) => [p.name, p.schema])),
      required: def.params.filter((p) => !p.optional).map((p) => p.name),
      additionalProperties: false,
    });
    const call = (api: NodeApi, raw: unknown, ctx: CallContext): unknown => {
      let p: Record<string, unknown>;
      if (raw === undefined) p = {};
      else if (Array.isArray(raw)) {
        if (raw.length > names.length) {
          throw new RpcError(RPC_ERRORS.INVALID_PARAMS, `invalid params: ${def.name} takes at most ${names.length} positional param(s) (${names.join(", ") || "none"}), got ${raw.length}`);
        }
        p = {};
        raw.forEach((v, i) => {
          // A trailing null stands for an omitted optional param, as many clients send it.
          if (!(v === null && def.params[i]!.optional)) p[names[i]!] = v;
        });
      } else p = raw as Record<string, unknown>;
      if (!validate(p)) {
        // For anyOf, the branch errors come first; the anyOf one says what was expected.
        const errs = validate.errors ?? [];
        const e = errs.find((x) => x.keyword === "anyOf") ?? errs[0]!;
        throw new RpcError(RPC_ERRORS.INVALID_PARAMS, `invalid params: ${describe(e, names)}`);
      }
      for (const d of def.params) {
        if (d.address && typeof p[d.name] === "string") {
          try {
            decodeAddress(p[d.name] as string);
          } catch (e) {
            throw new RpcError(RPC_ERRORS.INVALID_PARAMS, `invalid params: param "${d.name}": ${(e as Error).message}`);
          }
        }
      }
      return def.handle(api, p, ctx);
    };
    out.set(def.name, { def, call });
  }
  return out;
}
