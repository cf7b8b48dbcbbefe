/** Event types staking emits; names are API for subscribers: never change one. */
export const StakingEvents = {
  CreateValidator: "staking.create_validator",
  EditValidator: "staking.edit_validator",
  Delegate: "staking.delegate",
  Undelegate: "staking.undelegate",
  Redelegate: "staking.redelegate",
  UnbondingMatured: "staking.unbonding_matured",
  RedelegationMatured: "staking.redelegation_matured",
  ValidatorBonded: "staking.validator_bonded",
  ValidatorUnbonding: "staking.validator_unbonding",
  ValidatorUnbonded: "staking.validator_unbonded",
  ValidatorSetChanged: "staking.validator_set_changed",
  Rewards: "staking.rewards",
  WithdrawRewards: "staking.withdraw_rewards",
  WithdrawCommission: "staking.withdraw_commission",
  Slash: "staking.slash",
  Jail: "staking.jail",
  Tombstone: "staking.tombstone",
  Unjail: "staking.unjail",
  ParamsUpdated: "staking.params_updated",
  /** Income another module routed to the validators (economy's fee share): allocateFees. */
  FeeRewards: "staking.fee_rewards",
} as const;
