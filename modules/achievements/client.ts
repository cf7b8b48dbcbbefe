import type { Msg } from "../../runtime/tx/envelope.ts";
import { AchievementsTypeUrls, type MsgSetReferrer } from "./msgs.ts";

/** Achievements messages for `buildTx`: `setReferrerMsg({ account, referrer })`. */
export const setReferrerMsg = (value: MsgSetReferrer): Msg => ({ typeUrl: AchievementsTypeUrls.SetReferrer, value });
