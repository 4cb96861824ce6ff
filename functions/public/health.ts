import { healthCheck } from '../../lib/health';
import { json, route } from '../../lib/platform/http';

/**
 * GET /api/public/health → 200 `{"status":"ok"}` when DynamoDB and the Kong
 * Admin API both answer within a second; else 503 naming which did not
 * (`failed`), with Retry-After. Never cached.
 */
export const handler = route(async () => {
  const { failed } = await healthCheck.check();
  if (failed.length === 0) return json(200, { status: 'ok' });
  return json(503, { code: 'temporarily_unavailable', message: 'Service temporarily unavailable, please retry', failed }, { 'Retry-After': '5' });
});
