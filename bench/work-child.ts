/**
 * Runs in its own process with the stack's settings in its environment (see
 * work.ts): calls each handler in-process, one request at a time, and records
 * what each request makes and burns: every HTTP request it starts (node:http
 * and fetch, so retries count too), the read and write units DynamoDB reports
 * for it, the signatures it makes (a KMS Sign each when KMS holds the keys),
 * and this process's CPU time around it. DynamoDB Local is a Java server in a
 * process of its own, so its work is not counted; the AWS SDK's is, as Lambda
 * would bill it.
 */
import crypto from 'node:crypto';
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
import { handler as sessionAuthenticate } from '../functions/session/authenticate';
import { handler as sessionLogin } from '../functions/session/login';
import bcrypt from 'bcryptjs';
import jwt from 'jsonwebtoken';
import { dynamodb } from '../lib/platform/dynamodb';
import { localSigner } from '../lib/tokens/signer';
import { apiEvent, invoke, invokeForCookies, type Handler } from '../scripts/stack';
import type { RouteWork, SigningCost, WorkReply } from './work';

/** Requests measured per route, after WARMUP unmeasured ones that warm the JIT and the connections (a warm Lambda's state). */
const SAMPLES = Number(process.env.BENCH_WORK_SAMPLES ?? 10);
const WARMUP = 3;
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

/** What the request being measured makes; undefined while a probe prepares its state. */
interface Recording {
  calls: string[];
  readUnits: number;
  writeUnits: number;
  /** DynamoDB calls that reported no consumed capacity. */
  unreported: number;
  /** DynamoDB operations as the handler asked for them, with their tables. */
  operations: string[];
  /** Transactions whose units follow the published rule rather than DynamoDB Local's report. */
  byRule: number;
  signatures: number;
}
let recording: Recording | undefined;
subscribe('http.client.request.start', (message) => {
  recording?.calls.push(describe((message as { request: ClientRequest }).request));
});
// The Kong Admin client speaks through Node's fetch (undici), which node:http's channel does not see.
subscribe('undici:request:create', (message) => {
  const { origin, method, path } = (message as { request: { origin: string; method: string; path: string } }).request;
  const host = new URL(origin).host;
  recording?.calls.push(host === kongAdminHost ? `kong ${method} ${pathShape(path)}` : `other ${method} ${host}`);
});

// Every DynamoDB call asks for its consumed capacity (the stores do not), as the handlers' client sends it.
dynamodb().middlewareStack.add(
  (next, context) => async (args) => {
    (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
    const result = await next(args);
    const reported = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
    if (recording) {
      const input = args.input as { TableName?: string; RequestItems?: object; TransactItems?: object[] };
      const table = input.TableName ?? Object.keys(input.RequestItems ?? {}).join('+') ?? '';
      recording.operations.push(`${(context.commandName ?? '').replace(/Command$/, '')} ${table.split('+').map((name) => name.replace(/^.*-/, '')).join('+') || `${input.TransactItems?.length} items`}`);
      const entries = reported === undefined ? [] : Array.isArray(reported) ? reported : [reported];
      if (entries.length === 0) recording.unreported++;
      // Reads and writes apart where DynamoDB says (transactions, batches); otherwise by the operation.
      const write = /Put|Update|Delete|Write/.test(context.commandName ?? '');
      let readUnits = 0;
      let writeUnits = 0;
      for (const entry of entries) {
        readUnits += entry.ReadCapacityUnits ?? (write ? 0 : entry.CapacityUnits ?? 0);
        writeUnits += entry.WriteCapacityUnits ?? (write ? entry.CapacityUnits ?? 0 : 0);
      }
      // DynamoDB Local under-reports transactions (2 write units for 4 items): there the
      // published rule applies, 2 units per item of up to 1 KB written, 4 KB checked or
      // read (this service's items are a few hundred bytes), unless more was reported.
      if (context.commandName === 'TransactWriteItemsCommand' || context.commandName === 'TransactGetItemsCommand') {
        const items = input.TransactItems ?? [];
        const checks = items.filter((item) => 'ConditionCheck' in item || 'Get' in item).length;
        readUnits = Math.max(readUnits, 2 * checks);
        writeUnits = Math.max(writeUnits, 2 * (items.length - checks));
        recording.byRule++;
      }
      // DynamoDB Local reports nothing for the keys of a BatchGetItem that name no item; DynamoDB bills each
      // key as a GetItem (at least 1 unit strongly consistent, 0.5 eventually), found or not.
      if (context.commandName === 'BatchGetItemCommand') {
        const requests = Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: object[]; ConsistentRead?: boolean }>);
        readUnits = Math.max(readUnits, requests.reduce((sum, request) => sum + (request.Keys?.length ?? 0) * (request.ConsistentRead ? 1 : 0.5), 0));
      }
      recording.readUnits += readUnits;
      recording.writeUnits += writeUnits;
    }
    return result;
  },
  { step: 'initialize', name: 'benchConsumedCapacity' },
);

interface ConsumedCapacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

// Signatures: the service's signer (lib/tokens/signer.ts) signs ES256/RS256 through crypto.sign, older code
// through crypto.createSign (HS256 through createHmac, which KMS never sees).
const createSign = crypto.createSign;
crypto.createSign = ((...args: Parameters<typeof createSign>) => {
  if (recording) recording.signatures++;
  return createSign(...args);
}) as typeof createSign;
const oneShotSign = crypto.sign;
crypto.sign = ((...args: Parameters<typeof oneShotSign>) => {
  if (recording) recording.signatures++;
  return (oneShotSign as (...a: unknown[]) => unknown)(...args);
}) as typeof oneShotSign;

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

// The sign-in page's own form post, as a browser on the site sends it (the login route refuses other origins).
const SAME_ORIGIN = { 'Sec-Fetch-Site': 'same-origin', Origin: (process.env.BROWSER_ALLOWED_ORIGINS ?? '').split(',')[0] };

/** A browser session's cookie (`JSESSIONID=…`, `__Host-` prefixed where Secure), signed in through the login route. */
async function newBrowserSession(): Promise<string> {
  const event = post('/api/session/login', { username: await newUser(), password: PASSWORD }, SAME_ORIGIN);
  const response = await invokeForCookies(sessionLogin, event);
  const cookie = (response.cookies.find((line) => /^(__Host-)?JSESSIONID=/.test(line)) ?? '').split(';')[0];
  if (response.status !== 200 || !cookie) throw new Error(`browser login answered ${response.status}: ${JSON.stringify(response.body)}`);
  return cookie;
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
  'session-login': async () => [sessionLogin, post('/api/session/login', { username: await newUser(), password: PASSWORD }, SAME_ORIGIN), 200],
  // What Kong's forward-auth asks on a browser's request to the profile service (when its cache does not answer).
  'session-authenticate': async () => [sessionAuthenticate, apiEvent('GET', '/api/session/authenticate', { headers: { Cookie: await newBrowserSession() } }), 200],
  password: async () => {
    const body = { current_password: PASSWORD, new_password: `${PASSWORD}-new` };
    return [password, post('/api/jwt/password', body, bearer((await newSession()).access_token)), 200];
  },
};


const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** One warm-up request, then SAMPLES measured ones, each on state of its own. */
async function measureRoute(probe: () => Promise<Probe>): Promise<RouteWork> {
  const samples: (Recording & { cpuMs: number; wallMs: number })[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const [handler, event, status] = await probe();
    const measuring: Recording = { calls: [], readUnits: 0, writeUnits: 0, unreported: 0, signatures: 0, operations: [], byRule: 0 };
    recording = measuring;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await call(handler, event, status);
    const wallMs = performance.now() - started;
    const cpu = cpuMs(process.cpuUsage(cpuBefore));
    recording = undefined;
    if (i >= WARMUP) samples.push({ ...measuring, cpuMs: cpu, wallMs });
  }
  // The calls of the request that made the most (they should all make the same).
  const worst = samples.reduce((a, b) => (b.calls.length > a.calls.length ? b : a));
  return {
    total: worst.calls.length,
    dynamodb: worst.calls.filter((c) => c.startsWith('dynamodb')).length,
    kongAdmin: worst.calls.filter((c) => c.startsWith('kong')).length,
    calls: worst.calls,
    operations: worst.operations,
    readUnits: Math.max(...samples.map((s) => s.readUnits)),
    writeUnits: Math.max(...samples.map((s) => s.writeUnits)),
    unreportedCapacity: Math.max(...samples.map((s) => s.unreported)),
    transactionsByRule: Math.max(...samples.map((s) => s.byRule)),
    signatures: Math.max(...samples.map((s) => s.signatures)),
    cpuMs: round(median(samples.map((s) => s.cpuMs))),
    wallMs: round(median(samples.map((s) => s.wallMs))),
    samples: samples.length,
  };
}

/** CPU of one bcrypt compare at the handlers' cost, as signin's floor. */
async function hashCpuMs(): Promise<number> {
  const cost = Number(process.env.BCRYPT_COST ?? 10);
  const hash = await bcrypt.hash(PASSWORD, cost);
  const times: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const before = process.cpuUsage();
    await bcrypt.compare(PASSWORD, hash);
    if (i >= WARMUP) times.push(cpuMs(process.cpuUsage(before)));
  }
  return round(median(times));
}

/** Microseconds of CPU per token: the prepared KeyObject the service signs with, and a PEM parsed per token (what it avoids). */
async function signingCost(): Promise<SigningCost> {
  const tokens = Math.max(200, SAMPLES * 100);
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const secret = crypto.createSecretKey(crypto.randomBytes(32));
  const claims = { sub: 'bench', iss: 'https://auth.example.test', ckey: 'bench-credential', sid: 'session', exp: Math.floor(Date.now() / 1000) + 900 };
  const perToken = async (sign: () => unknown) => {
    for (let i = 0; i < 50; i++) await sign(); // warm-up
    const before = process.cpuUsage();
    for (let i = 0; i < tokens; i++) await sign();
    return round((cpuMs(process.cpuUsage(before)) * 1000) / tokens, 1);
  };
  const es256 = localSigner('ES256', privateKey, 'bench-kid');
  const hs256 = localSigner('HS256', secret);
  return {
    tokens,
    es256PreparedKeyUs: await perToken(() => es256.sign(claims)),
    es256PemPerTokenUs: await perToken(() => jwt.sign(claims, pem, { algorithm: 'ES256', keyid: 'bench-kid' })),
    hs256PreparedKeyUs: await perToken(() => hs256.sign(claims)),
  };
}

async function main(): Promise<WorkReply> {
  const routes: Record<string, RouteWork> = {};
  for (const [route, probe] of Object.entries(probes)) routes[route] = await measureRoute(probe);
  return {
    algorithm: process.env.ACCESS_TOKEN_ALGORITHM ?? 'ES256',
    bcryptCost: Number(process.env.BCRYPT_COST ?? 10),
    routes,
    hashCpuMs: await hashCpuMs(),
    signing: await signingCost(),
  };
}

main().then(
  (work) => process.send!({ work }, () => process.exit(0)),
  (error: Error) => process.send!({ error: error.stack ?? String(error) }, () => process.exit(1)),
);
