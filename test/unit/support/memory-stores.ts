// In-memory stand-ins for the capabilities' store ports, with the same
// conditional semantics as the DynamoDB adapters, so unit tests need no server.
import { credentialRef, type Account, type AccountStatus, type ActiveAccount, type GatewayCredential } from '../../../lib/accounts/account';
import type { AccountStore } from '../../../lib/accounts/store';
import type { KeyRing, KeyRingStore } from '../../../lib/keys/keyring';
import type { JwtCredential, PublicKeyCredentialInput } from '../../../lib/kong/admin-client';
import type { KongAdmin } from '../../../lib/kong/credentials';
import { delayAfterFailure, type Limits } from '../../../lib/protection/limits';
import type { Admission, AttemptStore } from '../../../lib/protection/store';
import type { RefreshToken, RevocationReason, RotationResult, TokenSession } from '../../../lib/token-sessions/token-session';
import type { TokenSessionStore } from '../../../lib/token-sessions/store';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryAccountStore implements AccountStore {
  readonly accounts = new Map<string, Account>();

  async get(username: string) {
    const account = this.accounts.get(username);
    return account && copy(account);
  }

  async claim(account: Account & { claimId: string }, staleBefore: number) {
    const existing = this.accounts.get(account.username);
    if (existing && !(existing.status === 'pending' && existing.claimedAt < staleBefore)) return false;
    this.accounts.set(account.username, copy(account));
    return true;
  }

  async activate(username: string, claimId: string, credential: GatewayCredential) {
    const account = this.accounts.get(username);
    if (account?.status !== 'pending' || account.claimId !== claimId) return undefined;
    const active: ActiveAccount = { ...account, status: 'active', credential, claimId: undefined };
    this.accounts.set(username, active);
    return copy(active);
  }

  async release(username: string, claimId: string) {
    const account = this.accounts.get(username);
    if (account?.status === 'pending' && account.claimId === claimId) this.accounts.delete(username);
  }

  async replaceCredential(username: string, expectedRef: string, credential: GatewayCredential) {
    const account = this.accounts.get(username);
    if (!account?.credential || credentialRef(account.credential) !== expectedRef) return false;
    account.credential = copy(credential);
    return true;
  }

  async recordKids(username: string, issuer: string, kids: string[]) {
    const credential = this.accounts.get(username)?.credential;
    if (credential?.kind !== 'public-key' || credential.issuer !== issuer) return false;
    credential.kids = [...kids];
    return true;
  }

  async setStatus(username: string, accountId: string, from: readonly AccountStatus[], to: AccountStatus) {
    const account = this.accounts.get(username);
    if (!account || account.id !== accountId || !from.includes(account.status)) return undefined;
    account.status = to;
    return copy(account);
  }

  async remove(username: string, accountId: string) {
    if (this.accounts.get(username)?.id === accountId) this.accounts.delete(username);
  }

  /** Pages of `limit` in insertion order; the cursor is the index to go on from. */
  async search(prefix: string, limit: number, cursor?: string) {
    const all = [...this.accounts.values()].filter((a) => a.username.startsWith(prefix) || (a.email ?? '').startsWith(prefix));
    const start = cursor ? Number(cursor) : 0;
    const page = all.slice(start, start + limit);
    return { accounts: copy(page), cursor: start + limit < all.length ? String(start + limit) : undefined };
  }

  async replacePasswordHash(username: string, expectedHash: string, passwordHash: string) {
    const account = this.accounts.get(username);
    if (account?.passwordHash !== expectedHash) return false;
    account.passwordHash = passwordHash;
    return true;
  }
}

export class MemoryTokenSessionStore implements TokenSessionStore {
  readonly sessions = new Map<string, TokenSession>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly revokedAccessTokens = new Map<string, number>();
  readonly epochs = new Map<string, number>();

  async epoch(username: string) {
    return this.epochs.get(username) ?? 0;
  }

  async start(session: TokenSession, first: RefreshToken) {
    if ((await this.epoch(session.username)) !== session.epoch) return false;
    this.sessions.set(session.id, copy(session));
    this.refreshTokens.set(first.hash, copy(first));
    return true;
  }

  async getRefreshToken(hash: string) {
    const token = this.refreshTokens.get(hash);
    return token && copy(token);
  }

  async rotate(current: RefreshToken, successorHash: string): Promise<RotationResult> {
    const stored = this.refreshTokens.get(current.hash);
    if (!stored || stored.consumedAt !== undefined) return 'already-consumed';
    const session = this.sessions.get(current.sessionId);
    if (!session || session.revokedAt !== undefined) return 'session-revoked';
    if ((await this.epoch(current.username)) !== current.epoch) return 'sessions-ended';
    stored.consumedAt = Math.floor(Date.now() / 1000);
    stored.successorHash = successorHash;
    session.lastUsedAt = stored.consumedAt;
    const issuedAt = Math.floor(Date.now() / 1000);
    this.refreshTokens.set(successorHash, { ...copy(current), hash: successorHash, issuedAt, consumedAt: undefined, successorHash: undefined });
    return 'rotated';
  }

  async canRepeat(consumed: RefreshToken) {
    const successor = consumed.successorHash && this.refreshTokens.get(consumed.successorHash);
    const session = this.sessions.get(consumed.sessionId);
    return Boolean(successor && successor.consumedAt === undefined && session && session.revokedAt === undefined) &&
      (await this.epoch(consumed.username)) === consumed.epoch;
  }

  async revoke(sessionId: string, reason: RevocationReason) {
    const session = this.sessions.get(sessionId);
    if (session && session.revokedAt === undefined) Object.assign(session, { revokedAt: Math.floor(Date.now() / 1000), revokedReason: reason });
  }

  async revokeAccessToken(jti: string, expiresAt: number) {
    this.revokedAccessTokens.set(jti, expiresAt);
  }

  async eraseOwner(username: string, accountId: string) {
    for (const [id, session] of this.sessions) if (session.accountId === accountId || session.username === username) this.sessions.delete(id);
    for (const [hash, token] of this.refreshTokens) if (token.accountId === accountId || token.username === username) this.refreshTokens.delete(hash);
  }

  async eraseEpoch(username: string) {
    this.epochs.delete(username);
  }

  async endAll(username: string) {
    this.epochs.set(username, (await this.epoch(username)) + 1);
  }

  async sessionState(sessionId: string, username: string, jti?: string) {
    const session = this.sessions.get(sessionId);
    return { session: session && copy(session), epoch: await this.epoch(username), tokenRevoked: jti !== undefined && this.revokedAccessTokens.has(jti) };
  }

  async get(sessionId: string) {
    const session = this.sessions.get(sessionId);
    return session && copy(session);
  }

  async listUnrevoked(accountId: string, now: number) {
    return [...this.sessions.values()]
      .filter((session) => session.accountId === accountId && session.revokedAt === undefined && session.expiresAt > now)
      .map(copy);
  }
}

/**
 * The attempt counts as the attempts table keeps them, computed plainly
 * (limits.ts's delayAfterFailure) rather than with the DynamoDB adapter's
 * doubling: the contract suite (test/support/attempt-store-contract.ts) holds
 * both to the same answers.
 */
export class MemoryAttemptStore implements AttemptStore {
  readonly users = new Map<string, { attempts: number; lastAttemptAt: number; blockedUntil: number }>();
  readonly addresses = new Map<string, { failures: number; windowStart: number; blockedUntil?: number }>();

  constructor(private readonly limits: Limits) {}

  async begin(key: string, now: number): Promise<Admission> {
    let user = this.users.get(key);
    if (!user || user.lastAttemptAt <= now - this.limits.resetAfterSeconds * 1000) user = { attempts: 0, lastAttemptAt: now, blockedUntil: 0 };
    if (user.attempts > this.limits.freeFailures && user.blockedUntil > now) return { admitted: false, retryAt: user.blockedUntil };
    user.attempts += 1;
    user.lastAttemptAt = now;
    user.blockedUntil = now + delayAfterFailure(user.attempts, this.limits);
    this.users.set(key, user);
    return { admitted: true, attempt: user.attempts };
  }

  async reset(key: string) {
    this.users.delete(key);
  }

  async blockedUntil(address: string, now: number) {
    const blockedUntil = this.addresses.get(address)?.blockedUntil;
    return blockedUntil !== undefined && blockedUntil > now ? blockedUntil : undefined;
  }

  async recordFailure(address: string, now: number) {
    const { addressFailures, addressWindowSeconds, addressBlockSeconds } = this.limits;
    let entry = this.addresses.get(address);
    if (!entry || entry.windowStart <= now - addressWindowSeconds * 1000) {
      entry = { failures: 0, windowStart: now, blockedUntil: entry?.blockedUntil };
      this.addresses.set(address, entry);
    }
    entry.failures += 1;
    if (entry.failures < addressFailures) return undefined;
    Object.assign(entry, { failures: 0, windowStart: now, blockedUntil: now + addressBlockSeconds * 1000 });
    return entry.blockedUntil;
  }
}

/** Kong's consumers and JWT credentials as the Admin API keeps them; `down` makes every call fail; `calls` counts them. */
export class FakeKongAdmin implements KongAdmin {
  readonly consumers = new Map<string, { id: string; username: string; tags: string[] | null }>();
  readonly credentials = new Map<string, JwtCredential>();
  down = false;
  calls = 0;
  private next = 0;

  private call() {
    this.calls++;
    if (this.down) throw new Error('kong is down');
    return `id-${++this.next}`;
  }

  private find(consumerId: string, idOrKey: string) {
    return [...this.credentials.values()].find((c) => c.consumer.id === consumerId && (c.id === idOrKey || c.key === idOrKey));
  }

  async ensureConsumer(username: string, tags: string[] | null = null) {
    const id = this.call();
    const existing = [...this.consumers.values()].find((consumer) => consumer.username === username);
    if (existing) return existing;
    const consumer = { id, username, tags };
    this.consumers.set(id, consumer);
    return consumer;
  }

  async createJwtCredential(consumerId: string, tags: string[] | null = null) {
    const id = this.call();
    const credential = { id, consumer: { id: consumerId }, key: `key-${id}`, secret: `secret-${id}`, rsa_public_key: null, algorithm: 'HS256', tags };
    this.credentials.set(id, credential);
    return credential;
  }

  async createPublicKeyCredential(consumerId: string, input: PublicKeyCredentialInput) {
    const id = this.call();
    if ([...this.credentials.values()].some((c) => c.key === input.key)) return undefined;
    const credential = { id, consumer: { id: consumerId }, secret: `secret-${id}`, ...copy(input) };
    this.credentials.set(id, credential);
    return credential;
  }

  async getJwtCredential(consumerId: string, key: string) {
    this.call();
    return this.find(consumerId, key);
  }

  async listJwtCredentials(consumerId: string) {
    this.call();
    return [...this.credentials.values()].filter((c) => c.consumer.id === consumerId);
  }

  async listJwtCredentialsTagged(tags: string[]) {
    this.call();
    return [...this.credentials.values()].filter((c) => tags.every((tag) => c.tags?.includes(tag)));
  }

  async getConsumer(idOrName: string) {
    this.call();
    return [...this.consumers.values()].find((consumer) => consumer.id === idOrName || consumer.username === idOrName);
  }

  async deleteConsumer(consumerId: string) {
    this.call();
    this.consumers.delete(consumerId);
    for (const [id, credential] of this.credentials) if (credential.consumer.id === consumerId) this.credentials.delete(id);
  }

  async deleteJwtCredential(consumerId: string, idOrKey: string) {
    this.call();
    const credential = this.find(consumerId, idOrKey);
    if (credential) this.credentials.delete(credential.id);
  }
}

/** Plain-text "hashes": unit tests check the flows, not bcrypt. "old:" ones are of an older scheme, made again at signin. */
export const plainHasher = {
  hash: async (password: string) => `hashed:${password}`,
  verify: async (password: string, hash: string | undefined) => hash === `hashed:${password}` || hash === `old:${password}`,
  needsRehash: (hash: string) => hash.startsWith('old:'),
};

/** The keyring item, with the DynamoDB store's conditional write on its version. */
export class MemoryKeyRingStore implements KeyRingStore {
  ring: KeyRing = { version: 0, keys: [] };
  reads = 0;

  async get() {
    this.reads++;
    return copy(this.ring);
  }

  async put(ring: KeyRing) {
    if (ring.version !== this.ring.version + 1) return false;
    this.ring = copy(ring);
    return true;
  }
}
