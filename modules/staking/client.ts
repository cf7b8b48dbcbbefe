import type { Msg } from "../../runtime/tx/envelope.ts";
import {
  StakingTypeUrls,
  type MsgBeginRedelegate,
  type MsgCreateValidator,
  type MsgDelegate,
  type MsgEditValidator,
  type MsgUndelegate,
  type MsgUnjail,
  type MsgWithdrawCommission,
  type MsgWithdrawRewards,
} from "./msgs.ts";

/**
 * Staking messages for `buildTx` (runtime/rpc/tx-builder.ts), typed by their schemas:
 * `buildTx({ chainId, signer, nonce, msgs: [delegateMsg({ delegator, validator, amount })] })`.
 * Amounts are base units as decimal strings, as on the wire.
 */
export const createValidatorMsg = (value: MsgCreateValidator): Msg => ({ typeUrl: StakingTypeUrls.CreateValidator, value });
export const editValidatorMsg = (value: MsgEditValidator): Msg => ({ typeUrl: StakingTypeUrls.EditValidator, value });
export const delegateMsg = (value: MsgDelegate): Msg => ({ typeUrl: StakingTypeUrls.Delegate, value });
export const undelegateMsg = (value: MsgUndelegate): Msg => ({ typeUrl: StakingTypeUrls.Undelegate, value });
export const redelegateMsg = (value: MsgBeginRedelegate): Msg => ({ typeUrl: StakingTypeUrls.BeginRedelegate, value });
export const unjailMsg = (value: MsgUnjail): Msg => ({ typeUrl: StakingTypeUrls.Unjail, value });
export const withdrawRewardsMsg = (value: MsgWithdrawRewards): Msg => ({ typeUrl: StakingTypeUrls.WithdrawRewards, value });
export const withdrawCommissionMsg = (value: MsgWithdrawCommission): Msg => ({ typeUrl: StakingTypeUrls.WithdrawCommission, value });
