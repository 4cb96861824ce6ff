import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Refresh tokens are opaque: 256 random bits; only their SHA-256 is stored.
 *
 * Since issue 27 a token also names its session, its place in the session's
 * chain and its user: `r1.<session id>.<generation>.<username>.<256 bits,
 * base64url>`, and its stored name ("hash") is `<session id>.<generation>.
 * <username>.<SHA-256 hex of the whole token>`, so that the store reads the
 * session item (which carries the current token's name) and the user's
 * sign-out epoch in one request and rotates with one conditional write
 * (lib/token-sessions/dynamodb-store.ts). The session id and username are no
 * secret (every access token has them as `sid` and `sub`), and only route:
 * the session found must carry the same name; the 256 bits are the secret. Tokens of the earlier form
 * (the 256 bits alone, stored as `rt#<SHA-256>` items) keep working until
 * their sessions expire.
 */
const CHAINED = /^r1\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(0|[1-9][0-9]{0,8})\.([a-z0-9][a-z0-9_-]{2,31})\.([A-Za-z0-9_-]{43})$/;
const CHAINED_NAME = /^([0-9a-f-]{36})\.(\d{1,9})\.([a-z0-9_-]{3,32})\.([0-9a-f]{64})$/;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A new session's first token: chained to the session when it is given, else of the earlier form. */
export function newRefreshToken(session?: { id: string; username: string }) {
  const secret = randomBytes(32).toString('base64url');
  const token = session === undefined ? secret : `r1.${session.id}.0.${session.username}.${secret}`;
  return { token, hash: hashRefreshToken(token) };
}

/** An access token is a JWT, three dot-separated parts; refresh tokens are base64url (no dots) or five parts. */
export const looksLikeJwt = (token: string): boolean => token.split('.').length === 3;

/** The name a token is stored and compared by: never the token itself. */
export function hashRefreshToken(token: string): string {
  const chained = CHAINED.exec(token);
  return chained ? `${chained[1]}.${chained[2]}.${chained[3]}.${sha256(token)}` : sha256(token);
}

/** The username a chained refresh token names (unverified: only its session can vouch for it). */
export const claimedUsername = (token: string): string | undefined => CHAINED.exec(token)?.[3];

/** What a stored name says of its token: its session and generation (chained tokens only). */
export function refreshTokenName(hash: string): { sessionId: string; generation: number; username: string } | undefined {
  const match = CHAINED_NAME.exec(hash);
  return match ? { sessionId: match[1], generation: Number(match[2]), username: match[3] } : undefined;
}

/** A session's secret for deriving successors: kept beside each token's hash, useless without the token. */
export const newChainKey = (): string => randomBytes(32).toString('base64url');

/**
 * The token a refresh hands out in exchange for `token`: derived, not drawn,
 * so that a retry of the same refresh (its answer lost to a timeout) gets
 * the very same successor, and concurrent refreshes agree on one.
 */
export function successorOf(token: string, chainKey: string) {
  const mac = createHmac('sha256', Buffer.from(chainKey, 'base64url')).update(token).digest('base64url');
  const chained = CHAINED.exec(token);
  const successor = chained ? `r1.${chained[1]}.${Number(chained[2]) + 1}.${chained[3]}.${mac}` : mac;
  return { token: successor, hash: hashRefreshToken(successor) };
}

/**
 * Whether `token` is a true ancestor of the token named `head` in its chain:
 * the store keeps only a session's newest two tokens, so an older one is
 * recognised by deriving its successors up to the head's generation. Without
 * the chain key nobody can make a token that passes, so a made-up token with
 * a known session id cannot get a session revoked as "reused".
 */
export function isAncestor(token: string, head: string, chainKey: string, maxSteps = 1_000_000): boolean {
  const from = CHAINED.exec(token);
  const to = refreshTokenName(head);
  if (!from || !to || from[1] !== to.sessionId) return false;
  const steps = to.generation - Number(from[2]);
  if (steps < 1 || steps > maxSteps) return false;
  let current = token;
  for (let step = 0; step < steps; step++) current = successorOf(current, chainKey).token;
  return hashRefreshToken(current) === head;
}
