import type { ConsensusPorts } from "../consensus/ports.ts";
import { VerifiedSignaturesToken } from "../consensus/chain-contract.ts";
import type { VerifiedSignatures } from "../crypto/verified-signatures.ts";
import { getNonce } from "../app/nonces.ts";
import type { NexusNode } from "./node.ts";

/**
 * The node's adapters for the consensus engine's ports (runtime/consensus/ports.ts): the
 * engine sees the application, the mempool, the block store and the node through these
 * and nothing else.
 */
export function nodeConsensusPorts(node: NexusNode): ConsensusPorts {
  const app = node.app;
  const container = app.modules.container;
  // The chain's consensus module owns the cache its handlers read; a chain without it has none.
  const verified = container.isBound(VerifiedSignaturesToken) ? container.get<VerifiedSignatures>(VerifiedSignaturesToken) : undefined;
  return {
    app: {
      params: () => app.params(),
      prepareProposal: (info, candidates) => app.prepareProposal(info, candidates),
      processProposal: (header, txs) => app.processProposal(header, txs),
      precheckTx: (bytes) => app.precheckTx(bytes),
      verifyUnchecked: (txs) => app.verifyUnchecked(txs),
      get signatureVerifier() {
        return app.signatureVerifier;
      },
      knownTx: (hashHex) => app.knownTx(hashHex),
      nonce: (address) => getNonce(node.queryCtx(), address),
      query: (path, params) => node.query(path, params),
      rememberVerified: (k, m, s) => verified?.add(k, m, s),
    },
    pool: {
      reap: (maxTxs, maxBytes, localBefore) => node.mempool.reap(maxTxs, maxBytes, localBefore),
      has: (h) => node.mempool.has(h),
      get: (h) => node.mempool.get(h),
      localAt: (h) => node.mempool.localAt(h),
      submitPeerTx: (bytes) => node.submitTx(bytes, { fromPeer: true }),
      admitCheckedBatch: (items) => node.admitCheckedBatch(items),
      onLocalTx: (listener) => {
        node.onTxAdmitted = listener;
      },
    },
    store: node.blockStore,
    host: {
      chainId: node.chainId,
      genesisTime: node.genesisTime,
      get height() {
        return node.height;
      },
      latestBlock: () => node.latestBlock(),
      serial: <T>(f: () => Promise<T>): Promise<T> => node.serial(f),
      halt: (reason) => node.halt(reason),
      logger: node.logger,
      now: () => node.now(),
      commitBlock: (block, txHashes, execution, consensus, opts) => node.commitBlock(block, txHashes, execution, consensus, opts),
      genesisValidatorUpdates: () => node.genesisValidatorUpdates(),
    },
  };
}
