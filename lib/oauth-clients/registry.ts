import { AppError } from '../platform/errors';
import { hashSecret, newClientId, newClientSecret, secretMatches, validRedirectUri, type NewClient, type OAuthClient } from './client';
import type { OAuthClientStore } from './store';

export interface ClientRegistration {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  firstParty?: boolean;
  public?: boolean;
}

/** How a client authenticated at the token endpoint (RFC 6749 §2.3). */
export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** RFC 6749 §5.2 invalid_client: unknown client, wrong secret, wrong method; one answer for all. */
export const invalidClient = (headers?: Record<string, string>) => new AppError('invalid_client', 'Client authentication failed', { headers });

/** The registry of OAuth clients: registration by the operator, authentication at the token endpoint. */
export class OAuthClients {
  constructor(private readonly store: OAuthClientStore) {}

  async register(registration: ClientRegistration, now = new Date()): Promise<NewClient> {
    const name = registration.name.trim();
    if (!name || name.length > 100) throw new RangeError('name: 1 to 100 characters');
    const redirectUris = [...new Set(registration.redirectUris)];
    const postLogoutRedirectUris = [...new Set(registration.postLogoutRedirectUris ?? [])];
    if (redirectUris.length === 0) throw new RangeError('at least one --redirect-uri');
    for (const uri of [...redirectUris, ...postLogoutRedirectUris]) {
      if (!validRedirectUri(uri)) throw new RangeError(`not a redirect URI one may register: ${uri} (https, http on loopback, or a private-use scheme; no fragment)`);
    }
    const secret = registration.public ? undefined : newClientSecret();
    const client: OAuthClient = {
      id: newClientId(),
      name,
      redirectUris,
      postLogoutRedirectUris,
      firstParty: registration.firstParty ?? false,
      public: registration.public ?? false,
      ...(secret === undefined ? {} : { secretHash: hashSecret(secret) }),
      registeredAt: now.toISOString(),
    };
    if (!(await this.store.create(client))) throw new Error('client id collision');
    return { client, secret };
  }

  get(id: string) {
    return this.store.get(id);
  }

  list() {
    return this.store.list();
  }

  delete(id: string) {
    return this.store.delete(id);
  }

  isPublicOrigin(origin: string) {
    return this.store.isPublicOrigin(origin);
  }

  /**
   * The client a token request authenticates as (RFC 6749 §2.3, §3.2.1): a
   * confidential client by its secret, a public one by its id alone (method
   * `none`); a public client offering a secret, or a confidential one none,
   * is refused, as is an unknown id. The same error for each, so that a
   * caller learns nothing of which ids exist.
   */
  async authenticate(credentials: ClientCredentials): Promise<OAuthClient> {
    const challenge = credentials.method === 'client_secret_basic' ? { 'WWW-Authenticate': 'Basic realm="token"' } : undefined;
    if (!credentials.clientId || credentials.clientId.length > 256) throw invalidClient(challenge);
    const client = await this.store.get(credentials.clientId);
    if (!client) throw invalidClient(challenge);
    if (client.public) {
      if (credentials.method !== 'none') throw invalidClient(challenge);
      return client;
    }
    if (credentials.method === 'none' || credentials.clientSecret === undefined || !secretMatches(client, credentials.clientSecret)) throw invalidClient(challenge);
    return client;
  }
}
