// Who a forward-auth'd page of the auth service (the security page) is for: the identity token the gateway
// handed on, verified with the service's own keys, since the session cookie itself is hidden from the upstream.
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { browserConfig } from '../browser-sessions/config';
import { IDENTITY_TOKEN_TYPE } from '../identity-tokens/identity-tokens';
import { config } from '../platform/config';
import type { Event } from '../platform/http';
import { bearerToken } from '../tokens/access-tokens';
import { signingKeys } from './keys';

export interface PageIdentity {
  username: string;
  accountId: string;
  amr?: string[];
  authTime?: number;
  /** The browser session's hash (identity-tokens.ts `sid`). */
  sessionHash?: string;
}

/**
 * The identity token in `Authorization` (issuer, audience, `typ` and key all
 * the service's own), and X-User agreeing with it; undefined for anything
 * else: a request that did not come through forward-auth is nobody.
 */
export async function pageIdentity(event: Event): Promise<PageIdentity | undefined> {
  const token = bearerToken(event.headers.authorization);
  if (!token) return undefined;
  try {
    const { kid } = decodeProtectedHeader(token);
    const key = kid === undefined ? undefined : await signingKeys.verificationKey(kid);
    if (!key) return undefined;
    const { payload } = await jwtVerify(token, key.key, {
      algorithms: [key.algorithm],
      issuer: config.issuerUrl,
      audience: browserConfig.identityAudience,
      typ: IDENTITY_TOKEN_TYPE,
    });
    const { sub, uid, amr, auth_time: authTime, sid } = payload as { sub?: unknown; uid?: unknown; amr?: unknown; auth_time?: unknown; sid?: unknown };
    if (typeof sub !== 'string' || typeof uid !== 'string') return undefined;
    const user = event.headers['x-user'];
    if (user !== undefined && user !== sub) return undefined;
    return {
      username: sub,
      accountId: uid,
      amr: Array.isArray(amr) && amr.every((value) => typeof value === 'string') ? amr : undefined,
      authTime: typeof authTime === 'number' ? authTime : undefined,
      sessionHash: typeof sid === 'string' ? sid : undefined,
    };
  } catch {
    return undefined;
  }
}
