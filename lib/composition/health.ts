// The health check, against the users table and the Kong Admin API (bundles axios).
import { HealthCheck } from '../health/health';
import { KongAdminClient } from '../kong/admin-client';
import { config } from '../platform/config';
import { dynamodb, probeTable } from '../platform/dynamodb';

/** A load balancer or an orchestrator asks often and waits briefly: a dependency slower than this is as good as down. */
export const HEALTH_TIMEOUT_MS = 1000;

/** No username can hold `#` (lib/accounts/schemas.ts), so this read never finds, nor reveals, an account. */
const ABSENT_USER = { username: '#health' };

const kongAdmin = new KongAdminClient(config.kongAdminUrl, HEALTH_TIMEOUT_MS);

export const healthCheck = new HealthCheck(
  {
    dynamodb: (signal) => probeTable(dynamodb(), config.usersTable, ABSENT_USER, signal),
    kong: (signal) => kongAdmin.checkStatus(signal),
  },
  HEALTH_TIMEOUT_MS,
);
