export const NXT_DENOM = "nxt";
export const NXT_DECIMALS = 8;
/** 1 NXT in base units. */
export const NXT = 100_000_000n;

export const paramsSchema = {
  type: "object",
  properties: {
    sendEnabled: { type: "boolean" },
    /** Upper bound on inputs + outputs of one MsgMultiSend: keeps every message's cost bounded. */
    maxMultiSendEntries: { type: "integer", minimum: 2, maximum: 1000 },
  },
  required: ["sendEnabled", "maxMultiSendEntries"],
  additionalProperties: false,
} as const;

export interface BankParams {
  sendEnabled: boolean;
  maxMultiSendEntries: number;
}

export function defaultParams(): BankParams {
  return { sendEnabled: true, maxMultiSendEntries: 100 };
}
