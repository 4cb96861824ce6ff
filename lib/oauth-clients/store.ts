import type { OAuthClient } from './client';

/** Where clients live: the tokens table (dynamodb-store.ts), memory in unit tests. */
export interface OAuthClientStore {
  /** Stores a new client; false if the id is taken. */
  create(client: OAuthClient): Promise<boolean>;
  get(id: string): Promise<OAuthClient | undefined>;
  list(): Promise<OAuthClient[]>;
  /** Removes a client; false if there was none. */
  delete(id: string): Promise<boolean>;
  /** Whether `origin` is the origin of a redirect URI of a registered public client (the token endpoint's CORS). */
  isPublicOrigin(origin: string): Promise<boolean>;
}

/** The store in memory (unit tests). */
export class InMemoryOAuthClientStore implements OAuthClientStore {
  private readonly clients = new Map<string, OAuthClient>();
  async create(client: OAuthClient) {
    if (this.clients.has(client.id)) return false;
    this.clients.set(client.id, structuredClone(client));
    return true;
  }
  async get(id: string) {
    const client = this.clients.get(id);
    return client && structuredClone(client);
  }
  async list() {
    return [...this.clients.values()].map((client) => structuredClone(client));
  }
  async delete(id: string) {
    return this.clients.delete(id);
  }
  async isPublicOrigin(origin: string) {
    return [...this.clients.values()].some((client) => client.public && client.redirectUris.some((uri) => URL.canParse(uri) && new URL(uri).origin === origin));
  }
}
