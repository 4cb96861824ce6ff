import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An OAuth client (RFC 6749 §2) registered by an operator (`npm run clients`).
 * Confidential clients hold a secret, stored only as its SHA-256: the secret
 * is 256 random bits, so a fast hash is as strong as a slow one would be
 * (no dictionary to try), and checking it costs nothing an attacker can use
 * (OWASP Password Storage Cheat Sheet: slow hashes are for low-entropy secrets).
 */
export interface OAuthClient {
  /** `client_id`: random, unguessable, never reused. */
  id: string;
  name: string;
  /** Exact-match redirect URIs (RFC 9700 §4.1.3): no prefix, no wildcard. */
  redirectUris: string[];
  /** Where RP-initiated logout may send the browser, exact match. */
  postLogoutRedirectUris: string[];
  /** First-party clients skip consent and may use the password grant. */
  firstParty: boolean;
  /** Public clients (single-page and native apps) hold no secret: PKCE is their proof (RFC 7636). */
  public: boolean;
  /** SHA-256 (hex) of the secret; absent for public clients. */
  secretHash?: string;
  /** Not `createdAt`: in the tokens table that is the sort key of the sessions index, a number. */
  registeredAt: string;
}

/** What `create` shows once: the client, and for a confidential client its secret. */
export interface NewClient {
  client: OAuthClient;
  secret?: string;
}

export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

export const newClientId = (): string => randomBytes(16).toString('base64url');
export const newClientSecret = (): string => randomBytes(32).toString('base64url');

/** Whether `presented` is the client's secret, in constant time. */
export function secretMatches(client: OAuthClient, presented: string): boolean {
  if (!client.secretHash) return false;
  const expected = Buffer.from(client.secretHash, 'hex');
  const actual = Buffer.from(hashSecret(presented), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The origin of an absolute http(s) URI, as browsers send it in `Origin`. */
export function originOf(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A redirect URI an operator may register: absolute, no fragment (RFC 6749
 * §3.1.2), https, or http on a loopback host (RFC 8252 §7.3), or a private-use
 * scheme for native apps (RFC 8252 §7.1, with a dot in it).
 */
export function validRedirectUri(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash || uri.includes('#') || url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  if (url.protocol === 'http:') return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol);
}

/** The public view of a client (list, create): never its secret's hash. */
export function describeClient(client: OAuthClient) {
  return {
    client_id: client.id,
    client_name: client.name,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    first_party: client.firstParty,
    token_endpoint_auth_method: client.public ? 'none' : 'client_secret_basic',
    registered_at: client.registeredAt,
  };
}

/** What `create` answers, once: the public view, and for a confidential client its secret (never stored, never shown again). */
export function describeNewClient({ client, secret }: NewClient) {
  return { ...describeClient(client), ...(secret === undefined ? {} : { client_secret: secret }) };
}
