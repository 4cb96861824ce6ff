// The Kong credentials, through the Admin API at KONG_ADMIN_URL: bundles axios. Only what calls the Admin API imports it.
import { KongAdminClient } from '../kong/admin-client';
import { KongCredentials } from '../kong/credentials';
import { config } from '../platform/config';
import { accounts } from './accounts';

export const kongCredentials = new KongCredentials(new KongAdminClient(config.kongAdminUrl, config.kongAdminTimeoutMs), accounts);
