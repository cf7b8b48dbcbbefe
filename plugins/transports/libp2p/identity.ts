import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import type { PrivateKey } from "@libp2p/interface";
import { fromHex, toHex } from "../../../runtime/crypto/hash.ts";
import { NetworkError } from "./errors.ts";

/** File name of the node's libp2p identity inside a node home (CometBFT calls it node_key.json). */
export const NODE_KEY_FILE = "node-key.json";

interface NodeKeyFile {
  readonly type: "Ed25519";
  /** libp2p protobuf encoding of the private key, hex. */
  readonly privateKey: string;
}

/**
 * Load the node's peer identity, creating an Ed25519 key on first start. The peer id must
 * survive restarts: other nodes list it in their bootstrap addresses and peer stores.
 */
export async function loadOrCreateNodeKey(file: string): Promise<PrivateKey> {
  if (existsSync(file)) {
    try {
      const raw = JSON.parse(readFileSync(file, "utf8")) as NodeKeyFile;
      if (raw.type !== "Ed25519" || typeof raw.privateKey !== "string") throw new Error("expected { type: \"Ed25519\", privateKey: hex }");
      return privateKeyFromProtobuf(fromHex(raw.privateKey));
    } catch (e) {
      throw new NetworkError("NET_IDENTITY_IO", `node key ${file} is unreadable: ${(e as Error).message}; restore it or remove it to get a new peer id`, { file });
    }
  }
  const key = await generateKeyPair("Ed25519");
  const body: NodeKeyFile = { type: "Ed25519", privateKey: toHex(privateKeyToProtobuf(key)) };
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Write then rename so a crash never leaves a half-written key behind.
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(body, null, 2) + "\n", { mode: 0o600 });
    renameSync(tmp, file);
  } catch (e) {
    throw new NetworkError("NET_IDENTITY_IO", `cannot write node key ${file}: ${(e as Error).message}`, { file });
  }
  return key;
}
