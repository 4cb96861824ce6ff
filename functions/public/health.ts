import { healthCheck } from '../../lib/composition/health';
import { UNAVAILABLE } from '../../lib/platform/errors';
import { json, route } from '../../lib/platform/http';

/**
 * GET /api/public/health → 200 `{"status":"ok"}` when DynamoDB and the Kong
 * Admin API both answer within a second; else 503 naming which did not
 * (`failed`), with Retry-After. Never cached.
 */
export const handler = route(async () => {
  const { failed } = await healthCheck.check();
  if (failed.length === 0) return json(200, { status: 'ok' });
  return json(UNAVAILABLE.status, { code: UNAVAILABLE.code, message: UNAVAILABLE.message, failed }, { 'Retry-After': '5' });
});
