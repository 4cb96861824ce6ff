/** The service's routes as an HTTP client, for the end-to-end tests. */
import { PASSWORD, uniqueName } from './clients';
import { bearer, request, type Send } from './http';

export interface Tokens {
  access_token: string;
  refresh_token: string;
  /** Sign-in's and the password change's: for the next sign-in (lib/protection/device-tokens.ts). */
  device_token?: string;
}

/** The service's routes, called over HTTP at `base` (the gateway's proxy, or the API directly), through `send`. */
export function client(base: string, send: Send = request) {
  const post = (path: string, body?: unknown, token?: string) =>
    send(`${base}${path}`, { method: 'POST', body, headers: token ? bearer(token) : {} });
  return {
    signup: (username: string, password = PASSWORD) => post('/api/public/signup', { username, password }),
    signin: (username: string, password = PASSWORD) => post('/api/public/signin', { username, password }),
    refresh: (refresh_token: string) => post('/api/public/refresh', { refresh_token }),
    revoke: (token: unknown) => post('/api/public/revoke', { token }),
    health: () => send(`${base}/api/public/health`),
    info: (token: string, headers: Record<string, string> = {}) =>
      send(`${base}/api/jwt/info`, { headers: { ...bearer(token), ...headers } }),
    sessions: (token: string) => send(`${base}/api/jwt/sessions`, { headers: bearer(token) }),
    endSession: (token: string, id: string) => send(`${base}/api/jwt/sessions/${id}`, { method: 'DELETE', headers: bearer(token) }),
    logout: (token: string) => post('/api/jwt/logout', undefined, token),
    logoutAll: (token: string) => post('/api/jwt/logout-all', undefined, token),
    changePassword: (token: string, current_password: string, new_password: string) =>
      post('/api/jwt/password', { current_password, new_password }, token),
    /** Signs up a new user and signs it in. */
    async newSession(prefix = 'e2e'): Promise<{ username: string; tokens: Tokens }> {
      const username = uniqueName(prefix);
      const created = await this.signup(username);
      if (created.status !== 201) throw new Error(`signup: ${created.status} ${JSON.stringify(created.body)}`);
      const signedIn = await this.signin(username);
      if (signedIn.status !== 200) throw new Error(`signin: ${signedIn.status} ${JSON.stringify(signedIn.body)}`);
      return { username, tokens: signedIn.body };
    },
  };
}
