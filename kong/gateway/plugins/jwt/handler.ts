// Kong's jwt plugin (kong/plugins/jwt, 3.9): same token sources, same checks in
// the same order, same 401 bodies and WWW-Authenticate headers.
import { LRUCache } from 'lru-cache';
import type { Consumer } from '../../core/consumers';
import { response, type Exit, type Plugin, type PluginServices, type RequestContext } from '../../core/plugin';
import type { Collection } from '../../core/store';
import { nowSeconds } from '../../core/util';
import { jwtSecrets, type JwtCredential } from './daos';
import { decodeBase64Url, decodeToken, own, parsePublicKey, verifies, type Key, type Token } from './jwt-parser';
import type { JwtConfig } from './schema';

function unescapeQuery(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function cookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const wanted = name.toLowerCase();
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === wanted) return pair.slice(eq + 1);
  }
  return undefined;
}

const BEARER = /\s*[Bb]earer\s+(.+)/;

/** Tell the upstream who was authenticated; client-sent copies never get through. */
const CONSUMER_HEADERS = ['X-Consumer-ID', 'X-Consumer-Custom-ID', 'X-Consumer-Username', 'X-Credential-Identifier', 'X-Anonymous-Consumer'];

/**
 * Tokens whose signature already verified, with the key material that verified
 * them. An ECDSA or RSA check costs about as much CPU as a whole proxied
 * request, and a client sends the same token until it expires. Kong does not
 * cache this (it verifies every request in full); the answers stay the same:
 * - a hit needs the exact token string, and the credential found for it now
 *   must carry the exact algorithm and secret/public key that verified it, so a
 *   credential deleted (logout-all rotates them) or replaced is never
 *   satisfied by an old result: the lookup by the key claim and the algorithm
 *   check still run on every request, and a changed key is verified afresh;
 * - exp, nbf and maximum_expiration are checked on every request, cached or not;
 * - only tokens that verified are kept, so forged ones cannot fill it, and it
 *   holds at most VERIFIED_TOKENS, of at most VERIFIED_TOKENS_CHARS in all
 *   (a client that can sign may make its tokens large), least recently used
 *   leaving first.
 */
const VERIFIED_TOKENS = 10_000;
const VERIFIED_TOKENS_CHARS = 8_000_000;

interface VerifiedToken {
  jwt: Token;
  /** keyMaterial() of the credential it verified with. */
  material: string;
}

/** What a signature check depends on besides the token (secret_is_base64 is the instance's own). */
const keyMaterial = (credential: JwtCredential) =>
  `${credential.algorithm}\n${credential.secret ?? ''}\n${credential.rsa_public_key ?? ''}`;

/** A token whose signature checked out against this credential. */
interface Verified {
  credential: JwtCredential;
  keyClaim: string;
  claims: Record<string, unknown>;
}

export class JwtHandler implements Plugin {
  static readonly NAME = 'jwt';
  static readonly PRIORITY = 1450;

  private readonly keys = new WeakMap<JwtCredential, Key | null>();
  private readonly verifiedTokens = new LRUCache<string, VerifiedToken>({
    max: VERIFIED_TOKENS,
    maxSize: VERIFIED_TOKENS_CHARS,
    // The token twice: its text, and its decoded header, claims and signature.
    sizeCalculation: (_entry, token) => 2 * token.length,
  });
  private readonly credentials: Collection<JwtCredential>;
  private readonly consumers: Collection<Consumer>;
  private readonly challenge: string;
  private readonly invalidToken: string;

  constructor(private readonly config: JwtConfig, { store }: PluginServices) {
    this.credentials = store.collection(jwtSecrets);
    this.consumers = store.consumers;
    this.challenge = config.realm === null ? 'Bearer' : `Bearer realm="${config.realm}"`;
    this.invalidToken = `${this.challenge} error="invalid_token"`;
  }

  access(ctx: RequestContext): Exit | undefined {
    if (!this.config.runOnPreflight && ctx.req.method === 'OPTIONS') return undefined;
    const result = this.authenticate(ctx);
    if ('status' in result) return result;
    const { credential, consumer } = result;
    const headers = ctx.headers;
    for (const name of CONSUMER_HEADERS) headers.clear(name);
    headers.set('X-Consumer-ID', consumer.id);
    if (consumer.custom_id !== null) headers.set('X-Consumer-Custom-ID', consumer.custom_id);
    if (consumer.username !== null) headers.set('X-Consumer-Username', consumer.username);
    headers.set('X-Credential-Identifier', credential.key);
    ctx.consumer = consumer;
    ctx.credential = credential;
    return undefined;
  }

  private reject(body: Record<string, unknown>, challenge = this.invalidToken): Exit {
    return response.exit(401, body, { 'WWW-Authenticate': challenge });
  }

  private authenticate(ctx: RequestContext): Exit | { credential: JwtCredential; consumer: Consumer } {
    const tokens = this.tokens(ctx);
    if (tokens.size === 0) return this.reject({ message: 'Unauthorized' }, this.challenge);
    if (tokens.size > 1) return this.reject({ message: 'Multiple tokens provided' });
    const [token] = tokens;
    if (typeof token !== 'string') return this.reject({ message: 'Unrecognizable token' });

    const verified = this.verifySignature(token);
    if ('status' in verified) return verified;

    const claimErrors = this.claimErrors(verified.claims);
    if (claimErrors) return this.reject(claimErrors);

    const { credential, keyClaim } = verified;
    const consumer = this.consumers.byId(credential.consumer.id);
    // Kong sends this one without a WWW-Authenticate header.
    if (!consumer) return response.exit(401, { message: `Could not find consumer for '${this.config.keyClaimName}=${keyClaim}'` });
    return { credential, consumer };
  }

  /** The checks that depend only on the token and its credential, up to the signature. */
  private verifySignature(token: string): Exit | Verified {
    const cached = this.verifiedTokens.get(token);
    const jwt = cached ? cached.jwt : decodeToken(token);
    if (typeof jwt === 'string') return this.reject({ message: `Bad token; ${jwt}` });

    const claimName = this.config.keyClaimName;
    let keyClaim = own(jwt.claims, claimName);
    if (keyClaim === undefined || keyClaim === false) keyClaim = own(jwt.header, claimName);
    if (keyClaim === undefined || keyClaim === false) return this.reject({ message: `No mandatory '${claimName}' in claims` });
    if (keyClaim === '') return this.reject({ message: `Invalid '${claimName}' in claims` });

    // A deliberate difference: Kong 3.9 looks a non-string key claim (a number,
    // true, an object) up as is, its DAO refuses the lookup ("expected a
    // string") and the request ends in a 500 with an error logged. A token the
    // client controls should not be able to make the gateway fail, and no
    // credential key is anything but a string, so here it is simply unknown (401).
    const credential = typeof keyClaim === 'string' ? this.credentials.find('key', keyClaim) : undefined;
    if (!credential) return this.reject({ message: `No credentials found for given '${claimName}'` });
    if (jwt.header.alg !== credential.algorithm) return this.reject({ message: 'Invalid algorithm' });

    const key = this.key(credential);
    if (key === null) return this.reject({ message: 'Invalid key/secret' });
    const material = keyMaterial(credential);
    if (cached?.material !== material) {
      if (!verifies(jwt, key)) return this.reject({ message: 'Invalid signature' });
      this.verifiedTokens.set(token, { jwt, material });
    }
    return { credential, claims: jwt.claims, keyClaim: keyClaim as string };
  }

  /** Every distinct token from the configured query args, cookies and headers. */
  private tokens(ctx: RequestContext): Set<string | true> {
    const { uriParamNames, cookieNames, headerNames } = this.config;
    const found = new Set<string | true>();
    if (uriParamNames.length > 0 && ctx.query !== '') {
      for (const pair of ctx.query.split('&')) {
        const eq = pair.indexOf('=');
        if (!uriParamNames.includes(unescapeQuery(eq === -1 ? pair : pair.slice(0, eq)))) continue;
        // A bare `?jwt` is a boolean argument in nginx, which Kong cannot read as a token.
        const value = eq === -1 ? true : unescapeQuery(pair.slice(eq + 1));
        if (value !== '') found.add(value);
      }
    }
    for (const name of cookieNames) {
      const value = cookie(ctx.req.headers.cookie, name);
      if (value) found.add(value);
    }
    for (const name of headerNames) {
      const value = ctx.headers.get(name);
      const match = value === undefined ? null : BEARER.exec(value);
      if (match) found.add(match[1]);
    }
    return found;
  }

  private key(credential: JwtCredential): Key | null {
    let key = this.keys.get(credential);
    if (key === undefined) {
      if (credential.algorithm.startsWith('HS')) {
        const secret = credential.secret;
        key = secret === null ? null : this.config.secretIsBase64 ? decodeBase64Url(secret) : Buffer.from(secret);
      } else {
        key = credential.rsa_public_key === null ? null : parsePublicKey(credential.rsa_public_key);
      }
      this.keys.set(credential, key);
    }
    return key;
  }

  /** claims_to_verify, then maximum_expiration; Kong answers with the errors keyed by claim. */
  private claimErrors(claims: Record<string, unknown>): Record<string, string> | undefined {
    const now = nowSeconds();
    const errors: Record<string, string> = {};
    for (const name of this.config.claimsToVerify) {
      const value = own(claims, name);
      if (typeof value !== 'number') errors[name] = 'must be a number';
      else if (name === 'exp' && value <= now) errors.exp = 'token expired';
      else if (name === 'nbf' && value > now) errors.nbf = 'token not valid yet';
    }
    if (Object.keys(errors).length > 0) return errors;
    const max = this.config.maximumExpiration;
    const exp = own(claims, 'exp');
    if (max > 0 && (typeof exp !== 'number' || exp - now > max)) return { exp: 'exceeds maximum allowed expiration' };
    return undefined;
  }
}
