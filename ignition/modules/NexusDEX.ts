// Ignition module: the NexusDEX factory and router, and the factory's protocol-fee settings.
//
// Parameters (module "NexusDEX"):
//   feeTo         liquidity-allocation address that receives the protocol fee (default: zero, off)
//   feeToSetter   who may change feeTo afterwards (default: the deployer)
// The deployer creates the factory as its feeToSetter so that it can set feeTo, then hands the
// role to feeToSetter. After the first deploy, `hardhat nexus deploy` keeps these calls as they
// were journaled and reports a changed parameter as drift; it sends the change only with
// --apply-settings (and only while the deployer is still the feeToSetter).
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

export default buildModule("NexusDEX", (m) => {
  const deployer = m.getAccount(0);
  const factory = m.contract("NexusDEXFactory", [deployer]);
  const router = m.contract("NexusDEXRouter", [factory]);
  const setFeeTo = m.call(factory, "setFeeTo", [m.getParameter("feeTo", ZERO_ADDRESS)], { id: "setFeeTo" });
  m.call(factory, "setFeeToSetter", [m.getParameter("feeToSetter", deployer)], {
    id: "setFeeToSetter",
    after: [setFeeTo],
  });
  return { factory, router };
});
