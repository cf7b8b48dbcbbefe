import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { QkdError, type KeySource, type KeySourceStatus, type SharedKey } from "./key-source.ts";

/**
 * Client for the ETSI GS QKD 014 (v1.1.1) REST API of a key-management entity (KME).
 * This is what real QKD hardware is used through; ETSI 014 requires mutual TLS, so pass
 * `tls` (CA, client certificate and key) for a real KME. Plain http is for the simulation.
 */
export interface Etsi014ClientOptions {
  /** KME base URL, e.g. https://kme-a.example:443 (the /api/v1 path is added). */
  baseUrl: string;
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized?: boolean };
  timeoutMs?: number;
  /** Extra headers (some simulators identify the SAE by header). */
  headers?: Record<string, string>;
}

/** ETSI 014 Status object (§6.1). */
export interface Etsi014Status {
  source_KME_ID: string;
  target_KME_ID: string;
  master_SAE_ID: string;
  slave_SAE_ID: string;
  key_size: number;
  stored_key_count: number;
  max_key_count: number;
  max_key_per_request: number;
  max_key_size: number;
  min_key_size: number;
  max_SAE_ID_count: number;
  status_extension?: unknown;
}

/** ETSI 014 Key container (§6.3): keys[].key is base64. */
export interface Etsi014KeyContainer {
  keys: { key_ID: string; key: string; key_ID_extension?: unknown; key_extension?: unknown }[];
  key_container_extension?: unknown;
}

export interface EncKeysRequest {
  number?: number;
  /** Key size in bits (multiple of 8). */
  size?: number;
  additional_slave_SAE_IDs?: string[];
}

export class Etsi014Client {
  private readonly base: URL;
  constructor(private readonly opts: Etsi014ClientOptions) {
    this.base = new URL(opts.baseUrl.endsWith("/") ? opts.baseUrl : `${opts.baseUrl}/`);
    if (this.base.protocol !== "http:" && this.base.protocol !== "https:") {
      throw new QkdError("QKD_BAD_REQUEST", `KME URL must be http(s), got ${opts.baseUrl}`);
    }
  }

  /** GET /api/v1/keys/{slave_SAE_ID}/status */
  status(slaveSaeId: string): Promise<Etsi014Status> {
    return this.call<Etsi014Status>("GET", `${enc(slaveSaeId)}/status`);
  }

  /** POST /api/v1/keys/{slave_SAE_ID}/enc_keys (or GET with number/size query when method is GET). */
  async getEncKeys(slaveSaeId: string, req: EncKeysRequest = {}, method: "GET" | "POST" = "POST"): Promise<SharedKey[]> {
    const path = `${enc(slaveSaeId)}/enc_keys`;
    const c =
      method === "POST"
        ? await this.call<Etsi014KeyContainer>("POST", path, req)
        : await this.call<Etsi014KeyContainer>("GET", path + query({ number: req.number, size: req.size }));
    return decodeKeys(c);
  }

  /** POST /api/v1/keys/{master_SAE_ID}/dec_keys with key_IDs (or GET ?key_ID= for one key). */
  async getDecKeys(masterSaeId: string, keyIds: readonly string[], method: "GET" | "POST" = "POST"): Promise<SharedKey[]> {
    if (keyIds.length === 0) throw new QkdError("QKD_BAD_REQUEST", "dec_keys needs at least one key_ID");
    const path = `${enc(masterSaeId)}/dec_keys`;
    if (method === "GET" && keyIds.length !== 1) throw new QkdError("QKD_BAD_REQUEST", "GET dec_keys takes exactly one key_ID; use POST");
    const c =
      method === "POST"
        ? await this.call<Etsi014KeyContainer>("POST", path, { key_IDs: keyIds.map((key_ID) => ({ key_ID })) })
        : await this.call<Etsi014KeyContainer>("GET", path + query({ key_ID: keyIds[0] }));
    const keys = decodeKeys(c);
    const got = new Set(keys.map((k) => k.keyId));
    const missing = keyIds.filter((id) => !got.has(id));
    if (missing.length) throw new QkdError("QKD_BAD_RESPONSE", `KME did not return keys ${missing.join(", ")}`);
    return keys;
  }

  private call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const url = new URL(`api/v1/keys/${path}`, this.base);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { accept: "application/json", ...this.opts.headers };
    if (payload) {
      headers["content-type"] = "application/json";
      headers["content-length"] = payload.length;
    }
    const options: RequestOptions = { method, headers, timeout: this.opts.timeoutMs ?? 10_000, ...this.opts.tls };
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<T>((resolve, reject) => {
      const req = send(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            const e = (json ?? {}) as { message?: string; details?: unknown[] };
            reject(new QkdError("QKD_HTTP_ERROR", `KME ${method} ${url.pathname} → ${status}: ${e.message ?? (text.slice(0, 200) || "no body")}`, status, e.details));
            return;
          }
          if (json === undefined) {
            reject(new QkdError("QKD_BAD_RESPONSE", `KME ${method} ${url.pathname} returned no JSON body`));
            return;
          }
          resolve(json as T);
        });
        res.on("error", (e) => reject(new QkdError("QKD_NETWORK", `KME response error: ${e.message}`)));
      });
      req.on("timeout", () => req.destroy(new Error(`timed out after ${options.timeout} ms`)));
      req.on("error", (e) => reject(new QkdError("QKD_NETWORK", `KME ${method} ${url.href} failed: ${e.message}`)));
      if (payload) req.write(payload);
      req.end();
    });
  }
}

function decodeKeys(c: Etsi014KeyContainer): SharedKey[] {
  if (!c || !Array.isArray(c.keys)) throw new QkdError("QKD_BAD_RESPONSE", "KME response has no keys array");
  return c.keys.map((k, i) => {
    if (typeof k?.key_ID !== "string" || typeof k.key !== "string") {
      throw new QkdError("QKD_BAD_RESPONSE", `KME key ${i} lacks a string key_ID or key`);
    }
    return { keyId: k.key_ID, key: new Uint8Array(Buffer.from(k.key, "base64")) };
  });
}

const enc = (s: string): string => encodeURIComponent(s);
function query(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

/**
 * A KeySource over an ETSI 014 KME for one SAE pair. `getKeys` asks this SAE's KME for
 * enc_keys towards `peerSaeId`; `getKeysById` asks for dec_keys from `peerSaeId`.
 */
export class Etsi014KeySource implements KeySource {
  readonly id: string;
  constructor(
    private readonly client: Etsi014Client,
    private readonly peerSaeId: string,
  ) {
    this.id = `etsi-gs-qkd-014:${peerSaeId}`;
  }
  getKeys(count: number, sizeBits?: number): Promise<SharedKey[]> {
    if (!Number.isInteger(count) || count < 1) throw new QkdError("QKD_BAD_REQUEST", `key count must be a positive integer, got ${count}`);
    const req: EncKeysRequest = { number: count };
    if (sizeBits !== undefined) req.size = sizeBits;
    return this.client.getEncKeys(this.peerSaeId, req);
  }
  getKeysById(keyIds: readonly string[]): Promise<SharedKey[]> {
    return this.client.getDecKeys(this.peerSaeId, keyIds);
  }
  async status(): Promise<KeySourceStatus> {
    const s = await this.client.status(this.peerSaeId);
    return { storedKeyCount: s.stored_key_count, keySizeBits: s.key_size, maxKeysPerRequest: s.max_key_per_request };
  }
}
