// The operators' OAuth client registry (docs/admin.md): the registry `npm run clients` uses.
import { clientAdminFlow } from '../flows/client-admin';
import { oauthClients } from './oauth-clients';

export const clientAdmin = clientAdminFlow({ clients: oauthClients });
