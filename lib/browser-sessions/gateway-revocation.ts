import { parseSessionId } from './session';

/**
 * The answer header that tells the gateway's forward-auth plugin which of its
 * cached session answers no longer count (docs/forward-auth.md). The plugin
 * reads it from this function's answer on routes configured with
 * `accept_revocations`, and removes it before the client sees the answer.
 * It never carries a session id, only the SHA-256 the store keeps.
 */
export const REVOKE_HEADER = 'X-Forward-Auth-Revoke';

/** After a logout (or a sign-in replacing a session): the session a presented id names, if it is shaped like one. */
export function revokedSession(id: string | undefined): Record<string, string> {
  const parsed = id === undefined ? undefined : parseSessionId(id);
  return parsed ? { [REVOKE_HEADER]: `session=${parsed.hash}` } : {};
}

/** After sign-out everywhere or a password change: every session of the user. */
export const revokedUser = (username: string): Record<string, string> => ({ [REVOKE_HEADER]: `user=${username}` });

/** After the security page ends a session by the hash it listed (the header carries only the hash anyway). */
export const revokedSessionHash = (hash: string): Record<string, string> => ({ [REVOKE_HEADER]: `session=${hash}` });
