/** The browser-session routes (design 003) over HTTP, as a browser or a script would call them through the gateway. */
import { PASSWORD, uniqueName } from './clients';
import { forwardAuthKeyFor } from './stack';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, if it is JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Call {
  method?: string;
  /** Sent as JSON; or `form` as an HTML form post. */
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** The JSESSIONID cookie to send. */
  session?: string;
}

/** One request, redirects not followed (their Location is what is tested). */
export async function call(base: string, path: string, { method, json, form, headers = {}, session }: Call = {}): Promise<Answer> {
  const body = json !== undefined ? JSON.stringify(json) : form !== undefined ? new URLSearchParams(form).toString() : undefined;
  const response = await fetch(`${base}${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    redirect: 'manual',
    headers: {
      ...(json !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(form !== undefined ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
      ...(session !== undefined ? { Cookie: `JSESSIONID=${session}` } : {}),
      ...headers,
    },
    body,
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** The JSESSIONID an answer sets, if it sets one. */
export function sessionSet(answer: Answer): string | undefined {
  const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('JSESSIONID='));
  return cookie === undefined ? undefined : cookie.slice('JSESSIONID='.length).split(';')[0];
}

export function browserSessions(base: string) {
  const api = {
    register: (username: string, extra: Record<string, string> = {}, password = PASSWORD) =>
      call(base, '/api/session/register', { json: { username, password, email: `${username}@Example.COM`, first_name: 'Ada', ...extra } }),
    login: (username: string, password = PASSWORD, headers: Record<string, string> = {}) =>
      call(base, '/api/session/login', { json: { username, password }, headers }),
    /** As the gateway asks it: with forward-auth's key (key-auth; without it, Kong's 401). */
    authenticate: (session?: string, headers: Record<string, string> = { apikey: forwardAuthKeyFor(base) }) =>
      call(base, '/api/session/authenticate', { session, headers }),
    logout: (session?: string, headers: Record<string, string> = {}) => call(base, '/api/session/logout', { method: 'POST', session, headers }),
    profile: (session?: string, headers: Record<string, string> = {}) => call(base, '/api/userprofile', { session, headers }),
    createProfile: (session: string | undefined, json: unknown, headers: Record<string, string> = {}) =>
      call(base, '/api/userprofile', { method: 'POST', json, session, headers }),
    updateProfile: (session: string | undefined, json: unknown, headers: Record<string, string> = {}) =>
      call(base, '/api/userprofile', { method: 'PUT', json, session, headers }),
    /** Registers a new user and signs it in: its name and session id. */
    async signedIn(prefix = 'web'): Promise<{ username: string; session: string }> {
      const username = uniqueName(prefix);
      const registered = await api.register(username);
      if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.text}`);
      const login = await api.login(username);
      const session = sessionSet(login);
      if (login.status !== 200 || !session) throw new Error(`login: ${login.status} ${login.text}`);
      return { username, session };
    },
  };
  return api;
}
