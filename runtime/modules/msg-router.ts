import { Branch } from "../state/branch.ts";
import type { Band } from "../tx/bands.ts";
import type { Msg } from "../tx/envelope.ts";
import { ExecContext, MsgExecContext } from "./context.ts";
import { describeAjvErrors } from "./schemas.ts";
import { ModulesErrors } from "./errors.ts";
import { isLocalDataDamage } from "../errors.ts";
import type { RoutedMsg } from "./manager.ts";
import type { ChainEvent, Ctx } from "./types.ts";

/**
 * The message-router port: a module (governance, arbitration, the next ones) runs a list of
 * messages as its own module account, all or nothing, on a branch nested in the caller's.
 * Bound by the module manager to RuntimeTokens.MsgRouter; a module declares it in its
 * expected-keepers.ts and gets it injected. Cosmos SDK's MsgServiceRouter is the model.
 */
export const MSG_ROUTER_TOKEN = Symbol.for("runtime.MsgRouter");

export interface MsgRouter {
  /**
   * Each message is checked by its schema, must need no signature but `signer`'s, and may be
   * carried by `band`; then they run in order on a nested branch. All succeed: their writes
   * and events land in `ctx`'s branch. One fails: nothing of the list remains, and the
   * failure is thrown as a RouterError naming the message (its index and typeUrl; the
   * module's own error as `cause`).
   */
  execute(ctx: Ctx, o: RouteOptions): { events: ChainEvent[] };
  /**
   * Run the list as `execute` does, hand `inspect` a context over the state it would produce,
   * then discard every write: how governance checks a proposal's effect at submission.
   * Failures throw as in `execute`.
   */
  dryRun<T>(ctx: Ctx, o: RouteOptions, inspect: (after: Ctx) => T): T;
}

export interface RouteOptions {
  readonly signer: string;
  readonly band: Band;
  readonly msgs: readonly Msg[];
  readonly txHash?: string;
  /** Runs on the produced state before it lands; throwing discards the whole list (a constitution's check at execution). */
  readonly check?: (after: Ctx) => void;
}

export class RouterError extends ModulesErrors<"ROUTER_UNKNOWN_MSG" | "ROUTER_INVALID_MSG" | "ROUTER_UNAUTHORIZED" | "ROUTER_BAND_TOO_LOW" | "ROUTER_MSG_FAILED" | "ROUTER_TOO_DEEP" | "ROUTER_NO_BRANCH"> {}

/** Nested executions (a routed message that routes again): bounded, so a loop fails instead of overflowing the stack. */
export const MAX_ROUTER_DEPTH = 8;

export class ModuleMsgRouter implements MsgRouter {
  private depth = 0;

  constructor(private readonly route: (typeUrl: string) => RoutedMsg | undefined) {}

  execute(ctx: Ctx, o: RouteOptions): { events: ChainEvent[] } {
    const { branch, events } = this.run(ctx, o);
    o.check?.(new ExecContext(ctx.block, ctx.mode, branch));
    branch.write();
    for (const e of events) ctx.emit(e.type, { ...e.attributes });
    return { events };
  }

  dryRun<T>(ctx: Ctx, o: RouteOptions, inspect: (after: Ctx) => T): T {
    const { branch } = this.run(ctx, o);
    return inspect(new ExecContext(ctx.block, ctx.mode, branch));
  }

  private run(ctx: Ctx, o: RouteOptions): { branch: Branch; events: ChainEvent[] } {
    if (!(ctx instanceof ExecContext)) throw new RouterError("ROUTER_NO_BRANCH", "the router needs the context the runtime gave the caller (a message handler's or a block hook's)");
    if (this.depth >= MAX_ROUTER_DEPTH) throw new RouterError("ROUTER_TOO_DEEP", `routed messages nest deeper than ${MAX_ROUTER_DEPTH}`);
    // Every check before the first write: a refused list costs nothing.
    const routes = o.msgs.map((m, i) => this.check(m, i, o.signer, o.band));
    const branch = new Branch(ctx.store);
    const events: ChainEvent[] = [];
    const mctx = new MsgExecContext(ctx, branch, events, o.signer, o.band, [o.signer], o.txHash ?? "");
    this.depth++;
    try {
      o.msgs.forEach((m, i) => {
        try {
          routes[i]!.def.handle(mctx, m.value);
        } catch (e) {
          if (isLocalDataDamage(e)) throw e; // this node's files, not the message: halt, never a result
          const why = e instanceof Error ? e.message : String(e);
          const code = (e as { code?: unknown }).code;
          throw new RouterError("ROUTER_MSG_FAILED", `message ${i} (${m.typeUrl}) failed: ${why}`, { index: i, typeUrl: m.typeUrl, code: typeof code === "string" ? code : undefined }, { cause: e });
        }
      });
    } finally {
      this.depth--;
    }
    return { branch, events };
  }

  private check(m: Msg, i: number, signer: string, band: Band): RoutedMsg {
    const r = this.route(m.typeUrl);
    if (!r) throw new RouterError("ROUTER_UNKNOWN_MSG", `message ${i}: no module handles ${m.typeUrl}`, { index: i, typeUrl: m.typeUrl });
    if (!r.validate(m.value)) throw new RouterError("ROUTER_INVALID_MSG", `message ${i} (${m.typeUrl}): ${describeAjvErrors(r.validate.errors)}`, { index: i, typeUrl: m.typeUrl });
    const badAddress = r.checkAddresses(m.value);
    if (badAddress) throw new RouterError("ROUTER_INVALID_MSG", `message ${i} (${m.typeUrl}): ${badAddress}`, { index: i, typeUrl: m.typeUrl });
    try {
      r.def.validate?.(m.value);
    } catch (e) {
      throw new RouterError("ROUTER_INVALID_MSG", `message ${i} (${m.typeUrl}): ${(e as Error).message}`, { index: i, typeUrl: m.typeUrl }, { cause: e });
    }
    const needs = r.def.signers(m.value);
    const other = needs.find((s) => s !== signer);
    if (other !== undefined) throw new RouterError("ROUTER_UNAUTHORIZED", `message ${i} (${m.typeUrl}) needs the signature of ${other}, not ${signer}`, { index: i, typeUrl: m.typeUrl, signer: other });
    if (r.minBand > band) throw new RouterError("ROUTER_BAND_TOO_LOW", `message ${i} (${m.typeUrl}) needs band ${r.minBand} or higher, the list runs in band ${band}`, { index: i, typeUrl: m.typeUrl });
    return r;
  }
}
