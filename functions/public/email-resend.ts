import { recovery } from '../../lib/composition/recovery';
import { clientOf, json, jsonRoute } from '../../lib/platform/http';
import { recoveryRequestBody } from '../../lib/recovery/schemas';

/** POST /api/public/email/resend {"username"} or {"email"} → 202, the same whatever: a new verification link if the account's address is unverified (throttled). */
export const handler = jsonRoute(recoveryRequestBody, async (event) => json(202, await recovery.resendVerification(event.body, clientOf(event))));
