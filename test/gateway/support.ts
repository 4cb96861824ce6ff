/**
 * What the gateway conformance tests run against.
 *
 * By default each test file starts the local gateway (kong/gateway) in-process
 * on free ports, configured by kong/http-upstream.kong.yml (kong/kong.yml's
 * jwt and rate-limiting settings), with its service pointing at an echo server
 * the file starts.
 *
 * To run the same suite against real Kong, set GATEWAY_PROXY_URL and
 * GATEWAY_ADMIN_URL, and sync kong/http-upstream.kong.yml with DECK_API_URL pointing at
 * GATEWAY_ECHO_PORT on this machine (the echo server the tests start there)
 * and DECK_PUBLIC_RATE_LIMIT_PER_MINUTE at, say, 100; run jest --runInBand
 * (one echo server on that port at a time). rate-limiting.test.ts uses up the
 * public routes' quota for the current minute: run it last, on its own.
 * Plugin suites with a fixture of their own (test/gateway/fixtures) say at
 * their head what to sync and which GATEWAY_* ports to set; most point the
 * fixture's service at the echo server with DECK_ECHO_URL.
 * local-gateway.test.ts always tests the local gateway itself, including the
 * gateway settings (headers, trusted_ips) that real Kong takes from kong.conf.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import { startGateway, type Gateway, type GatewayOptions } from '../../kong/gateway';
import { freePorts } from '../../scripts/stack';
import { deckEnv } from '../../scripts/stack/gateway';

export const REMOTE = Boolean(process.env.GATEWAY_PROXY_URL && process.env.GATEWAY_ADMIN_URL);

export interface Echo {
  url: string;
  close(): Promise<void>;
}

/** What the echo upstream saw: the request as the gateway forwarded it. */
export interface Echoed {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The header lines as they arrived: names as spelled, repeats kept. */
  rawHeaders: string[];
  body: string;
}

/**
 * The request header through which a test chooses the echo's answer: a JSON
 * object with an optional `status` and `headers` (header lines as [name, value]
 * pairs, repeats allowed), sent instead of the defaults.
 */
export const ECHO_ANSWER = 'X-Echo-Answer';

export interface EchoAnswer {
  status?: number;
  headers?: [string, string][];
}

/** Header options for a request whose echo answers this way. */
export const echoAnswer = (answer: EchoAnswer) => ({ [ECHO_ANSWER]: JSON.stringify(answer) });

export async function startEcho(port = 0): Promise<Echo> {
  // Heads as large as nginx lets through reach the echo too.
  const server: Server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const echoed: Echoed = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString() };
      const body = JSON.stringify(echoed);
      const chosen = req.headers[ECHO_ANSWER.toLowerCase()];
      const answer: EchoAnswer = typeof chosen === 'string' ? JSON.parse(chosen) : {};
      const headers = answer.headers ?? [['Content-Type', 'application/json'], ['X-Echo', 'yes']];
      res.writeHead(answer.status ?? 200, headers.flat()).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export interface Target {
  proxyUrl: string;
  adminUrl: string;
  close(): Promise<void>;
}

/** kong.yml's plugin settings in front of an HTTP upstream (the echo server). */
export const HTTP_UPSTREAM_CONFIG = path.join(__dirname, '..', '..', 'kong', 'http-upstream.kong.yml');

/** The gateway under test with kong.yml's plugins before an echo upstream (or real Kong, see above). */
export async function startTarget(options: { rateLimitPerMinute?: number } = {}): Promise<Target> {
  if (REMOTE && !process.env.GATEWAY_ECHO_PORT) {
    throw new Error('GATEWAY_ECHO_PORT must name the port kong.yml\'s DECK_API_URL points at');
  }
  const echo = await startEcho(REMOTE ? Number(process.env.GATEWAY_ECHO_PORT) : 0);
  if (REMOTE) {
    return { proxyUrl: process.env.GATEWAY_PROXY_URL!, adminUrl: process.env.GATEWAY_ADMIN_URL!, close: echo.close };
  }
  const gateway = await startGateway({
    configPath: HTTP_UPSTREAM_CONFIG,
    proxyPort: 0,
    adminPort: 0,
    env: { DECK_API_URL: echo.url, DECK_PUBLIC_RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute ?? 1_000_000) },
  });
  return {
    proxyUrl: gateway.proxyUrl,
    adminUrl: gateway.adminUrl,
    close: async () => {
      await gateway.close();
      await echo.close();
    },
  };
}

/**
 * The gateway under test with a suite's own fixture kong.yml; against real
 * Kong the fixture must have been synced beforehand (the suite says how).
 */
export async function startFixtureTarget(configPath: string, env: Record<string, string>, settings: Pick<GatewayOptions, 'trustedIps' | 'realIpHeader' | 'realIpRecursive'> = {}): Promise<Target> {
  if (REMOTE) return { proxyUrl: process.env.GATEWAY_PROXY_URL!, adminUrl: process.env.GATEWAY_ADMIN_URL!, close: async () => undefined };
  const gateway = await startGateway({ configPath, proxyPort: 0, adminPort: 0, env, ...settings });
  return { proxyUrl: gateway.proxyUrl, adminUrl: gateway.adminUrl, close: gateway.close };
}

/**
 * A fixture whose services point at the echo server (`DECK_ECHO_URL`). Against
 * real Kong, sync the fixture with DECK_ECHO_URL=http://<this machine, as Kong
 * reaches it>:$GATEWAY_ECHO_PORT; the echo listens on that port here.
 */
export async function startEchoFixtureTarget(configPath: string, env: Record<string, string> = {}): Promise<Target> {
  const echo = await startEcho(REMOTE ? Number(process.env.GATEWAY_ECHO_PORT) : 0);
  const target = await startFixtureTarget(configPath, { DECK_ECHO_URL: echo.url, ...env });
  return {
    ...target,
    close: async () => {
      await target.close();
      await echo.close();
    },
  };
}

/** A URL nothing answers at: a port the system handed out, then closed. */
export async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  bytes: Buffer;
  /** The parsed JSON body, left loosely typed: the tests assert its shape. */
  body: any;
}

/**
 * One HTTP request with full control over what is sent: raw paths (no
 * normalization), repeated headers (arrays), any body.
 */
export function send(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer } = {},
): Promise<Reply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          let body: unknown;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, bytes, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Bytes written as they are to the gateway, for requests no HTTP client would
 * send; the answer is read until the gateway closes the connection (send
 * `Connection: close`, or expect it to close), then parsed.
 */
export function sendRaw(baseUrl: string, request: string): Promise<Reply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(request, 'latin1'));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end === -1) {
        reject(new Error(`no HTTP answer: ${JSON.stringify(all.toString('latin1'))}`));
        return;
      }
      const [statusLine, ...lines] = all.subarray(0, end).toString('latin1').split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      const bytes = all.subarray(end + 4);
      const text = bytes.toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text, bytes, body });
    });
  });
}

/** A JSON Admin API call. */
export function admin(target: Target, method: string, path: string, body?: unknown): Promise<Reply> {
  return send(target.adminUrl, path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A name no other test (or earlier run against real Kong) uses. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export interface Client {
  consumer: { id: string; username: string; custom_id: string | null };
  credential: { id: string; key: string; secret: string; algorithm: string };
}

/** A consumer with one JWT credential, made through the Admin API. */
export async function createClient(target: Target, consumer: Record<string, unknown> = {}, credential: Record<string, unknown> = {}): Promise<Client> {
  const created = await admin(target, 'POST', '/consumers', { username: unique('user'), ...consumer });
  if (created.status !== 201) throw new Error(`POST /consumers: ${created.status} ${created.text}`);
  const jwt = await admin(target, 'POST', `/consumers/${created.body.id}/jwt`, credential);
  if (jwt.status !== 201) throw new Error(`POST jwt: ${jwt.status} ${jwt.text}`);
  return { consumer: created.body, credential: jwt.body };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const REQUEST_ID = /^[0-9a-f]{32}$/;
export const now = () => Math.floor(Date.now() / 1000);

/** A call the project's functions got through kong/kong.yml: the function's name without the stage prefix, and its event. */
export interface FunctionCall {
  name: string;
  event: any;
}

export interface ProjectGateway {
  gateway: Gateway;
  /** Every call, in order. */
  invoked: FunctionCall[];
  close(): Promise<void>;
}

/**
 * The project's kong/kong.yml in a local gateway, its functions played by
 * `answer` behind a plain Lambda Invoke endpoint (what each returns, as the
 * function would). `deck` overrides the stack's decK values.
 */
export async function startProjectGateway(
  answer: (name: string, event: any) => { statusCode: number; headers?: Record<string, string>; body: string },
  deck: Partial<Parameters<typeof deckEnv>[0]> = {},
): Promise<ProjectGateway> {
  const invoked: FunctionCall[] = [];
  const lambda: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const name = (/\/functions\/([^/]+)\/invocations/.exec(req.url ?? '')?.[1] ?? '?').replace(/^kong-lambda-auth-[^-]+-/, '');
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      invoked.push({ name, event });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer(name, event)));
    });
  });
  await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
  // forward-auth asks the gateway's own session route: its port must be known beforehand.
  const [proxyPort] = await freePorts(1);
  const gateway = await startGateway({
    proxyPort,
    adminPort: 0,
    env: {
      ...deckEnv({
        lambdaPort: (lambda.address() as AddressInfo).port,
        proxyPort,
        sessionCacheTtlSeconds: 0,
        rateLimits: { public: 1000, protected: 1000, password: 1000, introspect: 1000, browser: 1000 },
        rateLimitPolicy: { policy: 'local' },
        corsOrigins: [],
        ...deck,
      }),
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
  });
  return {
    gateway,
    invoked,
    async close() {
      await gateway.close();
      lambda.closeAllConnections();
      await new Promise<void>((resolve) => lambda.close(() => resolve()));
    },
  };
}
