// In-memory stand-ins for the browser-session and profile store ports, with the
// same conditional semantics as the DynamoDB adapters.
import type { BrowserSession } from '../../../lib/browser-sessions/session';
import type { BrowserSessionStore } from '../../../lib/browser-sessions/store';
import type { Profile, ProfileFields } from '../../../lib/profiles/profile';
import type { ProfileStore } from '../../../lib/profiles/store';

const copy = <T>(value: T): T => structuredClone(value);

/** Epochs are the sign-out epochs of the token sessions' store (MemoryTokenSessionStore.epochs), shared as on the tokens table. */
export class MemoryBrowserSessionStore implements BrowserSessionStore {
  readonly sessions = new Map<string, BrowserSession>();
  /** Makes touch fail, as a DynamoDB outage would. */
  failTouch = false;

  constructor(readonly epochs = new Map<string, number>()) {}

  async epoch(username: string) {
    return this.epochs.get(username) ?? 0;
  }

  async create(session: BrowserSession) {
    if (this.sessions.has(session.hash)) throw new Error('condition failed');
    this.sessions.set(session.hash, copy(session));
  }

  async find(hash: string, username: string) {
    const session = this.sessions.get(hash);
    return { session: session && copy(session), epoch: await this.epoch(username) };
  }

  async touch(hash: string, lastSeenAt: number, idleExpiresAt: number) {
    if (this.failTouch) throw new Error('dynamodb is down');
    const session = this.sessions.get(hash);
    if (session && session.lastSeenAt < lastSeenAt) Object.assign(session, { lastSeenAt, idleExpiresAt });
  }

  async delete(hash: string) {
    this.sessions.delete(hash);
  }

  async listOwner(accountId: string) {
    return [...this.sessions.values()].filter((session) => session.accountId === accountId).sort((a, b) => b.createdAt - a.createdAt).map(copy);
  }

  async eraseOwner(username: string, accountId: string) {
    for (const [hash, session] of this.sessions) if (session.accountId === accountId || session.username === username) this.sessions.delete(hash);
  }
}

export class MemoryProfileStore implements ProfileStore {
  readonly profiles = new Map<string, Profile>();

  async get(accountId: string) {
    const profile = this.profiles.get(accountId);
    return profile && copy(profile);
  }

  async create(profile: Profile) {
    if (this.profiles.has(profile.accountId)) return false;
    this.profiles.set(profile.accountId, copy(profile));
    return true;
  }

  async delete(accountId: string) {
    this.profiles.delete(accountId);
  }

  async update(accountId: string, username: string, fields: ProfileFields, updatedAt: string) {
    const profile = this.profiles.get(accountId);
    if (!profile) return undefined;
    Object.assign(profile, { username, ...fields, updatedAt });
    return copy(profile);
  }
}
