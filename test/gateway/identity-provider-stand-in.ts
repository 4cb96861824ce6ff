/**
 * A stand-in for the identity provider's session check (design 003):
 * `GET /api/session/authenticate` with the browser's JSESSIONID cookie answers
 * 200 with the user's identity headers and a short-lived bearer token, or 401.
 * Tests sign sessions in and out, make it fail on demand, and read what it was
 * asked. Under /slow/ it answers only after SLOW_MS, for timeouts.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const AUTHENTICATE_PATH = '/api/session/authenticate';
export const SLOW_MS = 2000;

/** The header lines a signed-in session is answered with, in order. */
export type IdentityLines = [string, string][];

export interface Call {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface IdentityProvider {
  /** scheme://host:port, for the fixture's DECK_IDP_ORIGIN. */
  origin: string;
  /** Every request it got, in order. */
  calls: Call[];
  /** Signs a session in: requests with JSESSIONID=<session> get these lines. */
  signIn(session: string, identity: IdentityLines): void;
  /** Ends a session, as POST /logout would. */
  signOut(session: string): void;
  /** Answers every request with this status until cleared with null. */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

/** What the identity provider of design 003 sends for a user. */
export function identityOf(user: string, firstName = 'Ada'): IdentityLines {
  return [
    ['X-User', user],
    ['X-Email', `${user}@example.test`],
    ['X-First-Name', firstName],
    ['Authorization', `Bearer stand-in-jwt.${user}`],
  ];
}

function sessionOf(cookie: string | undefined): string | undefined {
  for (const pair of (cookie ?? '').split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === 'JSESSIONID') return value.join('=');
  }
  return undefined;
}

export async function startIdentityProvider(port = 0): Promise<IdentityProvider> {
  const calls: Call[] = [];
  const sessions = new Map<string, IdentityLines>();
  let failure: number | null = null;
  const pending = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    req.resume();
    const url = req.url ?? '';
    calls.push({ method: req.method ?? '', url, headers: req.headers });
    const answer = () => {
      if (failure !== null) {
        res.writeHead(failure, { 'Content-Type': 'application/json' }).end('{"message":"stand-in failure"}');
        return;
      }
      if (req.method !== 'GET' || (url !== AUTHENTICATE_PATH && url !== `/slow${AUTHENTICATE_PATH}`)) {
        res.writeHead(404).end();
        return;
      }
      const identity = sessions.get(sessionOf(req.headers.cookie) ?? '');
      if (identity === undefined) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"Unauthorized"}');
        return;
      }
      // Raw lines, so that a test can send one header twice.
      res.writeHead(200, identity.flat()).end();
    };
    if (url.startsWith('/slow/')) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        if (!res.destroyed) answer();
      }, SLOW_MS);
      pending.add(timer);
    } else {
      answer();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    signIn: (session, identity) => sessions.set(session, identity),
    signOut: (session) => sessions.delete(session),
    failWith: (status) => {
      failure = status;
    },
    close: () => new Promise((resolve) => {
      for (const timer of pending) clearTimeout(timer);
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
