/**
 * Runs in its own process with the stack's settings in its environment (see
 * round-trips.ts): calls each handler in-process and records every HTTP
 * request it makes, as node:http starts it, so retries count too.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { handler as info } from '../functions/protected/info';
import { handler as logoutAll } from '../functions/protected/logout-all';
import { handler as logout } from '../functions/protected/logout';
import { handler as password } from '../functions/protected/password';
import { handler as endSession } from '../functions/protected/end-session';
import { handler as sessions } from '../functions/protected/sessions';
import { handler as refresh } from '../functions/public/refresh';
import { handler as revoke } from '../functions/public/revoke';
import { handler as signin } from '../functions/public/signin';
import { handler as signup } from '../functions/public/signup';
import { apiEvent, invoke, type Handler } from '../scripts/stack';
import type { RoundTrips } from './round-trips';

const REPEAT = 3;
const PASSWORD = 'bench password 1';

const dynamodbHost = new URL(process.env.DYNAMODB_ENDPOINT!).host;
const kongAdminHost = new URL(process.env.KONG_ADMIN_URL!).host;

/** Kong Admin paths with their ids replaced, e.g. GET /consumers/{id}/jwt/{id}. */
const pathShape = (path: string) =>
  path
    .split('?')[0]
    .split('/')
    .map((segment, index) => (index > 0 && index % 2 === 0 ? '{id}' : segment))
    .join('/');

function describe(request: ClientRequest): string {
  const host = String(request.getHeader('host'));
  if (host === dynamodbHost) return `dynamodb ${String(request.getHeader('x-amz-target')).split('.').pop()}`;
  if (host === kongAdminHost) return `kong ${request.method} ${pathShape(request.path)}`;
  return `other ${request.method} ${host}`;
}

/** The calls of the request being counted; undefined while a probe prepares its state. */
let recording: string[] | undefined;
subscribe('http.client.request.start', (message) => {
  recording?.push(describe((message as { request: ClientRequest }).request));
});
// The Kong Admin client speaks through Node's fetch (undici), which node:http's channel does not see.
subscribe('undici:request:create', (message) => {
  const { origin, method, path } = (message as { request: { origin: string; method: string; path: string } }).request;
  const host = new URL(origin).host;
  recording?.push(host === kongAdminHost ? `kong ${method} ${pathShape(path)}` : `other ${method} ${host}`);
});

type Probe = [Handler, APIGatewayProxyEvent, number];

let names = 0;
const uniqueName = () => `rt-${process.pid}-${names++}`;
// From an address, as through Kong: signin and signup then check it as they do in service.
const post = (path: string, body: unknown, headers?: Record<string, string>) => apiEvent('POST', path, { body, headers, sourceIp: '127.0.0.1' });
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function call(handler: Handler, event: APIGatewayProxyEvent, expected: number) {
  const response = await invoke(handler, event);
  if (response.status !== expected) {
    throw new Error(`${event.httpMethod} ${event.path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

async function newUser(): Promise<string> {
  const username = uniqueName();
  await call(signup, post('/api/public/signup', { username, password: PASSWORD }), 201);
  return username;
}

async function newSession(): Promise<{ access_token: string; refresh_token: string }> {
  return call(signin, post('/api/public/signin', { username: await newUser(), password: PASSWORD }), 200);
}

/** Per route: the state it needs (prepared, not counted) and the one request whose calls are counted. */
const probes: Record<string, () => Promise<Probe>> = {
  signup: async () => [signup, post('/api/public/signup', { username: uniqueName(), password: PASSWORD }), 201],
  signin: async () => [signin, post('/api/public/signin', { username: await newUser(), password: PASSWORD }), 200],
  refresh: async () => [refresh, post('/api/public/refresh', { refresh_token: (await newSession()).refresh_token }), 200],
  info: async () => [info, apiEvent('GET', '/api/jwt/info', { headers: bearer((await newSession()).access_token) }), 200],
  revoke: async () => [revoke, post('/api/public/revoke', { token: (await newSession()).refresh_token }), 200],
  logout: async () => [logout, post('/api/jwt/logout', undefined, bearer((await newSession()).access_token)), 200],
  'logout-all': async () => [logoutAll, post('/api/jwt/logout-all', undefined, bearer((await newSession()).access_token)), 200],
  sessions: async () => [sessions, apiEvent('GET', '/api/jwt/sessions', { headers: bearer((await newSession()).access_token) }), 200],
  'end-session': async () => {
    const { access_token } = await newSession();
    const sid = JSON.parse(Buffer.from(access_token.split('.')[1], 'base64url').toString()).sid;
    return [endSession, apiEvent('DELETE', `/api/jwt/sessions/${sid}`, { headers: bearer(access_token) }), 200];
  },
  password: async () => {
    const body = { current_password: PASSWORD, new_password: `${PASSWORD}-new` };
    return [password, post('/api/jwt/password', body, bearer((await newSession()).access_token)), 200];
  },
};

/** The most calls any of REPEAT requests made (they should all make the same). */
async function countCalls(probe: () => Promise<Probe>): Promise<RoundTrips> {
  let worst: string[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const [handler, event, status] = await probe();
    const calls: string[] = [];
    recording = calls;
    await call(handler, event, status);
    recording = undefined;
    if (calls.length >= worst.length) worst = calls;
  }
  return {
    total: worst.length,
    dynamodb: worst.filter((c) => c.startsWith('dynamodb')).length,
    kongAdmin: worst.filter((c) => c.startsWith('kong')).length,
    calls: worst,
  };
}

async function main() {
  const routes: Record<string, RoundTrips> = {};
  for (const [route, probe] of Object.entries(probes)) routes[route] = await countCalls(probe);
  return routes;
}

main().then(
  (routes) => process.send!({ routes }, () => process.exit(0)),
  (error: Error) => process.send!({ error: error.stack ?? String(error) }, () => process.exit(1)),
);
