import { createHash, randomBytes } from 'node:crypto';
import { USERNAME_PATTERN } from '../accounts/schemas';

/**
 * A browser session: one sign-in on /signin, held by the browser as an opaque
 * cookie and stored only as that cookie's SHA-256. It carries the identity
 * the gateway hands on (so that checking a request needs no account read),
 * and the user's sign-out epoch at sign-in (lib/sign-out-epoch), so that signing
 * out everywhere and a password change end it as they end token sessions.
 * Times are whole seconds since the epoch.
 */
export interface BrowserSession {
  hash: string;
  accountId: string;
  username: string;
  email?: string;
  firstName?: string;
  epoch: number;
  createdAt: number;
  /** The last request that moved the idle expiry. */
  lastSeenAt: number;
  /** Sliding: moved on with use, never past the absolute expiry. */
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  /** How the user signed in (RFC 8176 amr) and when (epoch seconds): the identity answer's X-Auth-Methods. Absent on sessions before second factors. */
  amr?: string[];
  authTime?: number;
}

/**
 * A session id is `<username>.<256 random bits, base64url>`. The username is
 * a routing hint only: it names the user's epoch item, so that the session
 * and its epoch are read in one round trip. It cannot be altered, because
 * the stored hash covers the whole id, and the session it finds must name
 * the same user.
 */
const SESSION_ID = new RegExp(`^(${USERNAME_PATTERN.source.slice(1, -1)})\\.([A-Za-z0-9_-]{43})$`);

export const hashSessionId = (id: string): string => createHash('sha256').update(id).digest('hex');

export function newSessionId(username: string): { id: string; hash: string } {
  const id = `${username}.${randomBytes(32).toString('base64url')}`;
  return { id, hash: hashSessionId(id) };
}

/** What a presented id claims, if it is shaped like one this service issues: junk costs no DynamoDB call. */
export function parseSessionId(id: string): { username: string; hash: string } | undefined {
  const match = SESSION_ID.exec(id);
  return match ? { username: match[1], hash: hashSessionId(id) } : undefined;
}
