import { describeClient, describeNewClient } from '../oauth-clients/client';
import type { ClientRegistration, OAuthClients } from '../oauth-clients/registry';
import { AppError } from '../platform/errors';
import { securityEvent } from '../platform/security-events';
import type { Operator } from './account-admin';

export interface ClientAdminDeps {
  clients: Pick<OAuthClients, 'register' | 'list' | 'delete'>;
}

/** Client ids are base64url (lib/oauth-clients/client.ts); anything else names no client. */
const CLIENT_ID = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * The operators' OAuth client registry through the admin API
 * (`/api/admin/clients`), the same registry as `npm run clients`: create
 * (the secret shown once), list (never a secret or its hash), delete
 * (idempotent). Every action is a security event naming the operator's Kong
 * consumer, as the other admin actions are.
 */
export function clientAdminFlow({ clients }: ClientAdminDeps) {
  const audit = (operator: Operator) => ({ operator: operator.consumer, operatorId: operator.consumerId });

  return {
    async create(operator: Operator, registration: ClientRegistration) {
      let created;
      try {
        created = await clients.register(registration);
      } catch (error) {
        // The registry's own validation (name, redirect URIs): the operator's input, a 400.
        if (error instanceof RangeError) throw new AppError('invalid_request', error.message);
        throw error;
      }
      const { client } = created;
      securityEvent('admin_client_created', { ...audit(operator), clientId: client.id, clientName: client.name, firstParty: client.firstParty, public: client.public });
      return describeNewClient(created);
    },

    async list(operator: Operator) {
      const all = await clients.list();
      securityEvent('admin_clients_listed', { ...audit(operator), found: all.length });
      return all.map(describeClient);
    },

    /** Idempotent: a client already gone (or never there) is the same answer; the event says which. */
    async remove(operator: Operator, clientId: string) {
      const deleted = CLIENT_ID.test(clientId) ? await clients.delete(clientId) : false;
      securityEvent('admin_client_deleted', { ...audit(operator), clientId: clientId.slice(0, 256), deleted });
      return deleted;
    },
  };
}

export type ClientAdmin = ReturnType<typeof clientAdminFlow>;
