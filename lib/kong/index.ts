// The service's Kong credentials, through the Admin API at KONG_ADMIN_URL: what handlers use.
import { accounts } from '../accounts';
import { config } from '../platform/config';
import { KongAdminClient } from './admin-client';
import { KongCredentials } from './credentials';

export const kongCredentials = new KongCredentials(new KongAdminClient(config.kongAdminUrl, config.kongAdminTimeoutMs), accounts);
export { credentialKey, kidTag, OWNER_TAG } from './credentials';
