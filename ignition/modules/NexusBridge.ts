// Ignition module: NexusBridge, which creates WNXT and the BHLSDistributor in its constructor.
//
// Parameters (module "NexusBridge"; ignition/parameters/<network>.json5):
//   validators           the NexusOS validators' EVM attestation keys, strictly ascending
//   powers               their NexusOS voting powers, in the same order (the bridge needs > 2/3)
//   wnxtCapacity         WNXT mint bucket, 8-decimal units            (default 1 000 000 NXT)
//   wnxtRefillPerSecond  its refill per second                        (default capacity / 86 400)
//   bhlsCapacity         BHLS delivery bucket                         (default 5 000 000 NXT)
//   bhlsRefillPerSecond  its refill per second                        (default capacity / 86 400)
// These are constructor arguments: once deployed they change only by messages the validator set
// signs (updateValidatorSet, setRateLimit), never by redeploying.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

const NXT = 10n ** 8n;
const DAY = 86_400n;
export const BRIDGE_DEFAULTS = {
  wnxtCapacity: 1_000_000n * NXT,
  wnxtRefillPerSecond: (1_000_000n * NXT) / DAY,
  bhlsCapacity: 5_000_000n * NXT,
  bhlsRefillPerSecond: (5_000_000n * NXT) / DAY,
} as const;

export default buildModule("NexusBridge", (m) => {
  const bridge = m.contract("NexusBridge", [
    m.getParameter<string[]>("validators"),
    m.getParameter<bigint[]>("powers"),
    m.getParameter("wnxtCapacity", BRIDGE_DEFAULTS.wnxtCapacity),
    m.getParameter("wnxtRefillPerSecond", BRIDGE_DEFAULTS.wnxtRefillPerSecond),
    m.getParameter("bhlsCapacity", BRIDGE_DEFAULTS.bhlsCapacity),
    m.getParameter("bhlsRefillPerSecond", BRIDGE_DEFAULTS.bhlsRefillPerSecond),
  ]);
  const wnxt = m.contractAt("WNXT", m.staticCall(bridge, "wnxt"));
  const bhlsDistributor = m.contractAt("BHLSDistributor", m.staticCall(bridge, "bhlsDistributor"));
  return { bridge, wnxt, bhlsDistributor };
});
