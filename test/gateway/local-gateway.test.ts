/**
 * The local gateway itself, whatever GATEWAY_PROXY_URL says: how it reads its
 * configuration, runs as a process, keeps its data, and answers for its
 * upstream. Fixture configurations cover what kong.yml does not use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get as httpGet, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { stringify } from 'yaml';
import { startGateway, type Gateway, type GatewayOptions } from '../../kong/gateway';
import { deckEnv } from '../../scripts/stack/gateway';
import { FUNCTION, signatureIsValid, startStandIn, type StandIn } from '../../stand-ins/lambda-invoke';
import { admin, createClient, echoAnswer, now, REQUEST_ID, send, startEcho, type Echo, type Echoed, type Target } from './support';

const ROOT = path.resolve(__dirname, '..', '..');
/** What the gateway needs of an aws-lambda config; its endpoint is never called in configuration checks. */
const LAMBDA = { function_name: FUNCTION, host: '127.0.0.1', port: 9, disable_https: true, awsgateway_compatible: true, is_proxy_integration: true };
const PROJECT_ENV = deckEnv({
  lambdaPort: 9,
  proxyPort: 9,
  sessionCacheTtlSeconds: 5,
  rateLimits: { public: 10, protected: 10, password: 10, introspect: 10, browser: 10 },
  rateLimitPolicy: { policy: 'local' },
  corsOrigins: ['https://app.example.test'],
});

let dir: string;
let echo: Echo;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gateway-test-'));
  echo = await startEcho();
});
afterAll(async () => {
  await echo.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a kong.yml; objects are serialized, strings written as they are. */
function configFile(config: object | string): string {
  const file = path.join(dir, `${randomUUID()}.yml`);
  writeFileSync(file, typeof config === 'string' ? config : stringify({ _format_version: '3.0', ...config }));
  return file;
}

/** One service with these routes; its default URL is never called (configuration checks fail first). */
const service = (routes: object[], extra: object = {}) => ({ services: [{ name: 'api', url: 'http://127.0.0.1:9', ...extra, routes }] });

const start = (configPath: string, env: NodeJS.ProcessEnv = {}, dataFile?: string, options: Partial<GatewayOptions> = {}) =>
  startGateway({ configPath, proxyPort: 0, adminPort: 0, env, dataFile, ...options });

const asTarget = (gateway: Gateway): Target => ({ ...gateway, close: gateway.close });

/** Runs `use` against a gateway started with this configuration (and gateway settings), then stops it. */
async function withGateway(config: object, use: (gateway: Gateway) => Promise<void>, options: Partial<GatewayOptions> = {}): Promise<void> {
  const gateway = await start(configFile(config), {}, undefined, options);
  try {
    await use(gateway);
  } finally {
    await gateway.close();
  }
}

describe('configuration', () => {
  test('the project kong.yml starts', async () => {
    const gateway = await startGateway({ proxyPort: 0, adminPort: 0, env: PROJECT_ENV });
    await gateway.close();
  });

  test('a missing DECK_ variable stops start-up, naming it', async () => {
    await expect(startGateway({ proxyPort: 0, adminPort: 0, env: { DECK_API_URL: echo.url } })).rejects.toThrow(
      /kong\.yml: environment variable 'DECK_CORS_ORIGINS' present in state file but not set/,
    );
  });

  const jwtRoute = (config: object) => service([{ name: 'r', paths: ['/'], plugins: [{ name: 'jwt', config }] }]);
  const lambdaRoute = (config: object) => ({ routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'aws-lambda', config: { ...LAMBDA, ...config } }] }] });
  const rateLimitedRoute = (config: object) => service([{ name: 'r', paths: ['/'], plugins: [{ name: 'rate-limiting', config }] }]);

  test.each<[string, object | string, RegExp]>([
    ['an unknown plugin', service([{ name: 'r', paths: ['/'], plugins: [{ name: 'ip-restriction' }] }]), /services\[api\]\.routes\[r\]\.plugins\[ip-restriction\]: unknown plugin 'ip-restriction'/],
    ['a cors origin that is not a regex', service([{ name: 'r', paths: ['/'], plugins: [{ name: 'cors', config: { origins: ['https://(a.test'] } }] }]), /config\.origins\[0\]: 'https:\/\/\(a\.test' is not a valid regex/],
    ['a key name that cannot name a header', service([{ name: 'r', paths: ['/'], plugins: [{ name: 'key-auth', config: { key_names: ['api key'] } }] }]), /config\.key_names\[0\]: bad header name 'api key', allowed characters are A-Z, a-z, 0-9, '_', and '-'/],
    ['a size unit Kong does not know', service([{ name: 'r', paths: ['/'], plugins: [{ name: 'request-size-limiting', config: { size_unit: 'gigabytes' } }] }]), /config\.size_unit: expected one of: megabytes, kilobytes, bytes/],
    ['a cors method Kong does not know', service([{ name: 'r', paths: ['/'], plugins: [{ name: 'cors', config: { methods: ['PURGE'] } }] }]), /config\.methods\[0\]: expected one of: GET, HEAD/],
    ['an unknown route field', service([{ name: 'r', paths: ['/'], hosts: ['example.com'] }]), /services\[api\]\.routes\[r\]\.hosts: unknown or unsupported field/],
    ['an unknown service field', service([], { tls_verify: true }), /services\[api\]\.tls_verify: unknown or unsupported field/],
    ['retries out of range', service([], { retries: -1 }), /services\[api\]\.retries: value should be between 0 and 32767/],
    ['an unknown top-level section', { ...service([]), upstreams: [] }, /: upstreams: unknown or unsupported field/],
    ['an unknown plugin option', jwtRoute({ leeway: 10 }), /plugins\[jwt\]\.config\.leeway: unknown or unsupported field/],
    ['the cluster policy', rateLimitedRoute({ minute: 5, policy: 'cluster' }), /config\.policy: the cluster policy counts in Kong's database/],
    ['the redis policy without a host', rateLimitedRoute({ minute: 5, policy: 'redis' }), /config\.redis\.host: required field missing/],
    ['a redis sync_rate', rateLimitedRoute({ minute: 5, policy: 'redis', redis: { host: 'r' }, sync_rate: 1 }), /config\.sync_rate: the local gateway counts in Redis on every request/],
    ['sync_rate without redis', rateLimitedRoute({ minute: 5, sync_rate: 1 }), /config\.sync_rate: sync_rate can only be used with the redis policy/],
    ['redis_host disagreeing with redis.host', rateLimitedRoute({ minute: 5, policy: 'redis', redis: { host: 'a' }, redis_host: 'b' }), /config\.redis_host: both deprecated and new field are used but their values mismatch: redis_host = b vs redis\.host = a/],
    ['an unknown redis field', rateLimitedRoute({ minute: 5, policy: 'redis', redis: { host: 'a', cluster_nodes: [] } }), /config\.redis\.cluster_nodes: unknown or unsupported field/],
    ['a route id that is not a UUID', service([{ name: 'r', id: 'route-1', paths: ['/'] }]), /routes\[r\]\.id: expected a valid UUID/],
    ['an anonymous consumer', jwtRoute({ anonymous: 'guest' }), /config\.anonymous: anonymous consumers are not supported/],
    ['a rate limit without a period', rateLimitedRoute({ limit_by: 'ip' }), /at least one of these fields must be non-empty: 'config\.second'/],
    ['a rate limit that is not a number', rateLimitedRoute({ minute: 'many' }), /config\.minute: expected a number/],
    ['maximum_expiration without exp', jwtRoute({ maximum_expiration: 60 }), /config\.claims_to_verify: expected to contain: exp/],
    ['a regex path', service([{ name: 'r', paths: ['~/api/(\\d+)'] }]), /paths\[0\]: regex paths are not supported/],
    ['a path that is not normalized', service([{ name: 'r', paths: ['/a/../b'] }]), /non-normalized path, consider use '\/b' instead/],
    ['a route matching nothing', service([{ name: 'r' }]), /routes\[r\]: must set one of 'methods', 'paths'/],
    ['another format version', '_format_version: "1.1"\n', /_format_version: expected "3.0"/],
    ['an expression other than env', '_format_version: "3.0"\nservices: ${{ toInt "1" }}\n', /unsupported template expression/],
    ['an env variable without the DECK_ prefix', '_format_version: "3.0"\n_info: ${{ env "HOME" }}\n', /must be prefixed with 'DECK_', found: 'HOME'/],
    ['broken YAML', '_format_version: "3.0"\nservices: [\n', /invalid YAML/],
    ['an unknown aws-lambda option', lambdaRoute({ invoke_mode: 'BUFFERED' }), /routes\[r\]\.plugins\[aws-lambda\]\.config\.invoke_mode: unknown or unsupported field/],
    ['aws-lambda without API Gateway events', lambdaRoute({ awsgateway_compatible: false }), /config\.awsgateway_compatible: the local gateway implements awsgateway_compatible: true only/],
    ['aws-lambda without proxy integration', lambdaRoute({ is_proxy_integration: null }), /config\.is_proxy_integration: the local gateway implements is_proxy_integration: true only/],
    ['an aws_key without aws_secret', lambdaRoute({ aws_key: 'k' }), /all or none of these fields must be set: 'config\.aws_key', 'config\.aws_secret'/],
    ['a role to assume', lambdaRoute({ aws_assume_role_arn: 'arn:aws:iam::1:role/r' }), /config\.aws_assume_role_arn: assuming a role \(STS\) is not supported/],
    ['an HTTP proxy for Lambda', lambdaRoute({ proxy_url: 'http://proxy:3128' }), /config\.proxy_url: calling Lambda through an HTTP proxy is not supported/],
    ['an unknown invocation type', lambdaRoute({ invocation_type: 'Async' }), /config\.invocation_type: expected one of: RequestResponse, Event, DryRun/],
    ['a port out of range', lambdaRoute({ port: 70000 }), /config\.port: value should be between 0 and 65535/],
    ['an unhandled_status out of range', lambdaRoute({ unhandled_status: 1000 }), /config\.unhandled_status: value should be between 100 and 999/],
    ['a top-level route naming a service', { routes: [{ name: 'r', paths: ['/'], service: { name: 'api' } }] }, /routes\[r\]\.service: the local gateway supports top-level routes without a service only/],
    ['a service field on a nested route', service([{ name: 'r', paths: ['/'], service: null }]), /services\[api\]\.routes\[r\]\.service: unknown or unsupported field/],
  ])('%s stops start-up with a message saying where', async (_, config, message) => {
    await expect(start(configFile(config))).rejects.toThrow(message);
  });
});

describe('the standalone process', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    // A failed assertion must not leave a gateway running.
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  function runCli(env: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'kong/gateway/cli.ts'], {
      cwd: ROOT,
      // The gateway's own variables are reset: a developer's shell must not change what is tested.
      env: {
        ...process.env,
        ...PROJECT_ENV,
        GATEWAY_CONFIG: '',
        GATEWAY_LOG: '',
        KONG_PROXY_HOST: '',
        KONG_PROXY_PORT: '0',
        KONG_ADMIN_PORT: '0',
        GATEWAY_DATA_FILE: ':memory:',
        KONG_HEADERS: '',
        KONG_TRUSTED_IPS: '',
        KONG_REAL_IP_HEADER: '',
        KONG_REAL_IP_RECURSIVE: '',
        ...env,
      },
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const readyLine = () =>
      new Promise<string>((resolve, reject) => {
        const check = () => stdout.includes('\n') && resolve(stdout);
        check();
        child.stdout.on('data', check);
        void exited.then(() => reject(new Error(`exited before ready: ${stderr}`)));
      });
    return { child, exited, readyLine, output: () => ({ stdout, stderr }) };
  }

  test('prints one ready line with both URLs and exits 0 on SIGTERM', async () => {
    const cli = runCli({});
    const line = await cli.readyLine();
    const match = /^gateway ready proxy=(http:\/\/127\.0\.0\.1:\d+) admin=(http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line);
    expect(match).not.toBeNull();
    expect((await send(match![2], '/consumers/nobody')).status).toBe(404);
    expect((await send(match![1], '/api/jwt/info')).body).toEqual({ message: 'Unauthorized' });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output().stdout).toBe(line);
  });

  test('KONG_HEADERS is Kong\'s headers setting', async () => {
    const cli = runCli({ KONG_HEADERS: 'off' });
    const [, proxyUrl, adminUrl] = /proxy=(\S+) admin=(\S+)/.exec(await cli.readyLine())!;
    const [proxied, admin] = [await send(proxyUrl, '/nowhere'), await send(adminUrl, '/')];
    expect([proxied.headers.server, proxied.headers['x-kong-request-id'], admin.headers.server]).toEqual([undefined, undefined, undefined]);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  test('a configuration error exits 1 with the message on stderr', async () => {
    const cli = runCli({ GATEWAY_CONFIG: configFile(service([{ name: 'r', paths: ['/'], plugins: [{ name: 'ip-restriction' }] }])) });
    expect(await cli.exited).toBe(1);
    expect(cli.output().stderr).toMatch(/^gateway: .*plugins\[ip-restriction\]: unknown plugin 'ip-restriction'/);
  });

  test('a busy port exits 1 naming the port and the variable to change', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const cli = runCli({ KONG_ADMIN_PORT: String(port) });
      expect(await cli.exited).toBe(1);
      expect(cli.output().stderr).toContain(`admin port ${port} on 127.0.0.1 is already in use (set KONG_ADMIN_PORT to use another port)`);
    } finally {
      blocker.close();
    }
  });
});

test('consumers and credentials persist in the data file across restarts', async () => {
  const dataFile = path.join(dir, 'data', 'gateway.json');
  const configPath = configFile(service([{ name: 'r', paths: ['/'], plugins: [{ name: 'jwt' }] }], { url: echo.url }));
  const first = await start(configPath, {}, dataFile);
  const { consumer, credential } = await createClient(asTarget(first), { username: 'persisted' });
  await first.close();
  expect(JSON.parse(readFileSync(dataFile, 'utf8')).consumers).toEqual([consumer]);

  const second = await start(configPath, {}, dataFile);
  try {
    expect((await admin(asTarget(second), 'GET', '/consumers/persisted')).body).toEqual(consumer);
    const token = jwt.sign({ iss: credential.key }, credential.secret);
    expect((await send(second.proxyUrl, '/', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  } finally {
    await second.close();
  }
});

describe('upstream failures', () => {
  test('an unreachable upstream: nginx\'s 502 through Kong\'s error handler, still a proxied answer', async () => {
    const closed = await startEcho();
    await closed.close();
    await withGateway(service([{ name: 'r', paths: ['/'] }], { url: closed.url, retries: 0 }), async (gateway) => {
      const plain = await send(gateway.proxyUrl, '/anything');
      const id = plain.headers['x-kong-request-id'];
      expect([plain.status, plain.headers['content-type'], plain.text]).toEqual([
        502, 'text/plain; charset=utf-8', `An invalid response was received from the upstream server\nrequest_id: ${id}\n`,
      ]);
      expect(plain.headers).toMatchObject({
        via: '1.1 kong/3.9.3',
        server: 'kong/3.9.3',
        'x-kong-upstream-latency': expect.stringMatching(/^\d+$/),
        'x-kong-proxy-latency': expect.stringMatching(/^\d+$/),
      });
      expect(plain.headers['x-kong-response-latency']).toBeUndefined();

      // The format comes from Accept, else from the request's Content-Type.
      const json = await send(gateway.proxyUrl, '/anything', { headers: { Accept: 'application/json' } });
      expect(json.body).toEqual({ message: 'An invalid response was received from the upstream server', request_id: json.headers['x-kong-request-id'] });
      const byContentType = await send(gateway.proxyUrl, '/anything', { method: 'POST', headers: { 'Content-Type': 'text/html' }, body: '<p>' });
      expect(byContentType.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(byContentType.text).toContain('<p>An invalid response was received from the upstream server.</p>');
    });
  });

  test('an upstream slower than read_timeout: 504', async () => {
    const silent: Server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      await withGateway(service([{ name: 'r', paths: ['/'] }], { url, read_timeout: 200, retries: 0 }), async (gateway) => {
        const reply = await send(gateway.proxyUrl, '/slow', { headers: { Accept: 'application/xml' } });
        expect([reply.status, reply.headers['content-type']]).toEqual([504, 'application/xml; charset=utf-8']);
        expect(reply.text).toContain('<message>The upstream server is timing out</message>');
      });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  test('a service host that does not resolve: Kong\'s 503, negotiated on Accept only', async () => {
    await withGateway(service([{ name: 'r', paths: ['/'] }], { url: 'http://no-such-host.invalid', retries: 0 }), async (gateway) => {
      const reply = await send(gateway.proxyUrl, '/', { method: 'POST', headers: { 'Content-Type': 'text/html' }, body: 'x' });
      expect([reply.status, reply.body]).toEqual([503, { message: 'name resolution failed', request_id: reply.headers['x-kong-request-id'] }]);
      expect(reply.headers.via).toBeUndefined();
    });
  });
});

/** An upstream answering with `answer`, on its own port; closed after the test. */
async function withUpstream(answer: (req: IncomingMessage, res: ServerResponse) => void, use: (url: string) => Promise<void>): Promise<void> {
  const server: Server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A GET through the gateway, its answer read by `read` from the raw response. */
function getThrough(gateway: Gateway, read: (res: IncomingMessage, req: ClientRequest) => void): ClientRequest {
  const req = httpGet(`${gateway.proxyUrl}/`, (res) => read(res, req));
  return req;
}

describe('answers streamed from the upstream', () => {
  test('a large answer reaches a slow reader whole, byte for byte', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'k');
    const chunks = 64; // 4 MiB: far more than the sockets buffer, so the gateway must wait for the reader
    await withUpstream((_req, res) => {
      res.writeHead(200, { 'Content-Length': chunk.length * chunks });
      let sent = 0;
      const more = () => {
        while (sent < chunks) {
          sent += 1;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    }, async (url) => {
      await withGateway(service([{ name: 'r', paths: ['/'] }], { url }), async (gateway) => {
        const received = await new Promise<number>((resolve, reject) => {
          getThrough(gateway, (res) => {
            let length = 0;
            res.pause();
            // Read a chunk every few milliseconds: the gateway has to hold back.
            const timer = setInterval(() => {
              let data: Buffer | null;
              while ((data = res.read(32 * 1024) as Buffer | null) !== null) length += data.length;
            }, 2);
            res.on('end', () => {
              clearInterval(timer);
              resolve(length);
            });
            res.on('error', reject);
          }).on('error', reject);
        });
        expect(received).toBe(chunk.length * chunks);
      });
    });
  });

  test('an upstream that fails mid-answer: the client\'s answer is cut off, never complete', async () => {
    await withUpstream((_req, res) => {
      res.writeHead(200, { 'Content-Length': 1000 });
      res.write('only the first bytes');
      setTimeout(() => res.socket?.destroy(), 50);
    }, async (url) => {
      await withGateway(service([{ name: 'r', paths: ['/'] }], { url }), async (gateway) => {
        const outcome = await new Promise<string>((resolve) => {
          getThrough(gateway, (res) => {
            let body = '';
            res.on('data', (data: Buffer) => (body += data.toString()));
            res.on('end', () => resolve(`complete: ${body}`));
            res.on('error', () => resolve(`cut off after: ${body}`));
            res.on('aborted', () => resolve(`cut off after: ${body}`));
          }).on('error', () => resolve('cut off before the head'));
        });
        expect(outcome).toBe('cut off after: only the first bytes');
      });
    });
  });

  test('a client that leaves mid-answer: the upstream call ends too', async () => {
    let upstreamClosed: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    await withUpstream((_req, res) => {
      res.writeHead(200); // no length: an answer that never ends on its own
      const timer = setInterval(() => res.write('tick\n'), 5);
      res.on('close', () => {
        clearInterval(timer);
        upstreamClosed();
      });
    }, async (url) => {
      await withGateway(service([{ name: 'r', paths: ['/'] }], { url }), async (gateway) => {
        getThrough(gateway, (res, req) => res.once('data', () => req.destroy())).on('error', () => undefined);
        await closed; // the test times out if the gateway kept reading for nobody
      });
    });
  });
});

describe('retries (service retries, default 5)', () => {
  /** An upstream that drops the connection of its first `failures` requests, and counts what it got. */
  async function flaky(failures: number) {
    const seen: string[] = [];
    const server: Server = createServer((req, res) => {
      seen.push(req.method!);
      req.resume();
      if (seen.length <= failures) req.socket.destroy();
      else res.end('finally');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      seen,
      close: () => new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    };
  }

  test('an idempotent request is tried again after the upstream failed it, up to retries more times', async () => {
    const upstream = await flaky(5);
    try {
      await withGateway(service([{ name: 'r', paths: ['/'] }], { url: upstream.url }), async (gateway) => {
        const reply = await send(gateway.proxyUrl, '/', { method: 'PUT', body: 'same bytes every time' });
        expect([reply.status, reply.text]).toEqual([200, 'finally']);
        expect(upstream.seen).toEqual(['PUT', 'PUT', 'PUT', 'PUT', 'PUT', 'PUT']);
      });
    } finally {
      await upstream.close();
    }
  });

  test('when every try fails: the last failure\'s 502', async () => {
    const upstream = await flaky(100);
    try {
      await withGateway(service([{ name: 'r', paths: ['/'] }], { url: upstream.url, retries: 2 }), async (gateway) => {
        expect((await send(gateway.proxyUrl, '/')).status).toBe(502);
        expect(upstream.seen).toEqual(['GET', 'GET', 'GET']);
      });
    } finally {
      await upstream.close();
    }
  });

  test('POST and PATCH that reached the upstream are not sent twice', async () => {
    const upstream = await flaky(100);
    try {
      await withGateway(service([{ name: 'r', paths: ['/'] }], { url: upstream.url }), async (gateway) => {
        for (const method of ['POST', 'PATCH']) expect((await send(gateway.proxyUrl, '/', { method, body: '{}' })).status).toBe(502);
        expect(upstream.seen).toEqual(['POST', 'PATCH']);
      });
    } finally {
      await upstream.close();
    }
  });

  test('a failure on a kept-alive connection does not use up a try (nginx\'s peer.cached)', async () => {
    const seen: string[] = [];
    const carried = new WeakSet<object>();
    // Drops any request that comes on a connection it has answered before, as an upstream does that closed it meanwhile.
    await withUpstream((req, res) => {
      const reused = carried.has(req.socket);
      carried.add(req.socket);
      seen.push(reused ? 'reused' : 'new');
      if (reused) req.socket.destroy();
      else res.end('fresh');
    }, async (url) => {
      await withGateway(service([{ name: 'r', paths: ['/'] }], { url, retries: 0 }), async (gateway) => {
        expect((await send(gateway.proxyUrl, '/')).text).toBe('fresh');
        const second = await send(gateway.proxyUrl, '/');
        expect([second.status, second.text]).toEqual([200, 'fresh']);
        expect(seen).toEqual(['new', 'reused', 'new']);
      });
    });
  });

  test('retries: 0 tries once', async () => {
    const upstream = await flaky(1);
    try {
      await withGateway(service([{ name: 'r', paths: ['/'] }], { url: upstream.url, retries: 0 }), async (gateway) => {
        expect((await send(gateway.proxyUrl, '/')).status).toBe(502);
        expect(upstream.seen).toEqual(['GET']);
      });
    } finally {
      await upstream.close();
    }
  });
});

describe('routes without a service', () => {
  test('load at the top level (service absent or null); unanswered, Kong says 503 no Service found', async () => {
    const config = {
      routes: [
        { name: 'bare', paths: ['/bare'] },
        { name: 'explicit', paths: ['/explicit'], service: null, plugins: [{ name: 'rate-limiting', config: { minute: 100, limit_by: 'service' } }] },
      ],
    };
    await withGateway(config, async (gateway) => {
      for (const path of ['/bare/x', '/explicit']) {
        const reply = await send(gateway.proxyUrl, path);
        expect([path, reply.status, reply.body]).toEqual([
          path, 503, { message: 'no Service found with those values', request_id: reply.headers['x-kong-request-id'] },
        ]);
      }
      // limit_by service falls back to the client address, as in Kong.
      expect((await send(gateway.proxyUrl, '/explicit')).headers['x-ratelimit-remaining-minute']).toBe('98');
    });
  });
});

describe('aws-lambda', () => {
  test('loads on a route with a service and on one without, with every field Kong knows', async () => {
    const everyField = {
      ...LAMBDA, timeout: 60000, keepalive: 60000, aws_key: 'k', aws_secret: 's', aws_role_session_name: 'kong',
      aws_sts_endpoint_url: 'https://sts.amazonaws.com', aws_region: 'us-east-1', qualifier: 'live', invocation_type: 'RequestResponse',
      log_type: 'Tail', unhandled_status: 502, forward_request_method: false, forward_request_uri: false, forward_request_headers: false,
      forward_request_body: false, skip_large_bodies: true, base64_encode_body: true, aws_imds_protocol_version: 'v1', empty_arrays_mode: 'legacy',
      aws_assume_role_arn: null, proxy_url: null,
    };
    const plugins = [{ name: 'aws-lambda', config: everyField }];
    const config = { ...service([{ name: 'with-service', paths: ['/a'], plugins }]), routes: [{ name: 'without', paths: ['/b'], plugins }] };
    await withGateway(config, async (gateway) => {
      const info = await send(gateway.adminUrl, '/');
      expect(info.body.plugins.enabled_in_cluster).toEqual(['aws-lambda']);
      expect(info.body.plugins.available_on_server['aws-lambda']).toEqual({ version: '3.9.3', priority: 750 });
    });
  });

  describe('credentials and region from the gateway\'s environment', () => {
    let lambda: StandIn;
    beforeAll(async () => {
      lambda = await startStandIn();
    });
    afterAll(() => lambda.close());

    /** Calls a route whose plugin has no key or region of its own, in a gateway with this environment. */
    async function invokeWith(env: NodeJS.ProcessEnv) {
      const config = { routes: [{ name: 'fn', paths: ['/fn'], plugins: [{ name: 'aws-lambda', config: { ...LAMBDA, port: lambda.port } }] }] };
      const gateway = await start(configFile(config), env);
      try {
        const calls = lambda.invocations.length;
        const reply = await send(gateway.proxyUrl, '/fn');
        return { reply, invocation: lambda.invocations.length > calls ? lambda.last() : undefined };
      } finally {
        await gateway.close();
      }
    }

    test('AWS_* variables, with a session token', async () => {
      const { reply, invocation } = await invokeWith({
        AWS_ACCESS_KEY_ID: 'env-key', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-token', AWS_REGION: 'eu-west-1',
      });
      expect(reply.status).toBe(200);
      expect(invocation!.headers['x-amz-security-token']).toBe('env-token');
      expect(invocation!.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=env-key\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=content-length;host;x-amz-date;x-amz-invocation-type;x-amz-log-type;x-amz-security-token, /,
      );
      expect(signatureIsValid(invocation!, 'env-secret')).toBe(true);
    });

    test('AMAZON_* variables and AWS_DEFAULT_REGION', async () => {
      const { reply, invocation } = await invokeWith({ AMAZON_ACCESS_KEY_ID: 'amazon-key', AMAZON_SECRET_ACCESS_KEY: 'amazon-secret', AWS_DEFAULT_REGION: 'ap-south-1' });
      expect(reply.status).toBe(200);
      expect(invocation!.headers.authorization).toContain('Credential=amazon-key/');
      expect(invocation!.headers.authorization).toContain('/ap-south-1/lambda/aws4_request');
      expect(signatureIsValid(invocation!, 'amazon-secret')).toBe(true);
    });

    test('with Via off in the headers setting, the answer carries no Via from the plugin either', async () => {
      const config = { routes: [{ name: 'fn', paths: ['/fn'], plugins: [{ name: 'aws-lambda', config: { ...LAMBDA, port: lambda.port, aws_key: 'k', aws_secret: 's', aws_region: 'us-east-1' } }] }] };
      await withGateway(config, async (gateway) => {
        const reply = await send(gateway.proxyUrl, '/fn');
        expect([reply.status, reply.headers.via, reply.headers.server]).toEqual([200, undefined, 'kong/3.9.3']);
      }, { headers: 'Server' });
    });

    test('no credentials, or no region: 500 without calling Lambda', async () => {
      for (const env of [{ AWS_REGION: 'eu-west-1' }, { AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' }]) {
        const { reply, invocation } = await invokeWith(env);
        expect([reply.status, reply.body.message, invocation]).toEqual([500, 'An unexpected error occurred', undefined]);
      }
    });
  });
});

describe('jwt options kong.yml does not use', () => {
  test('tokens from query and cookie; distinct tokens are refused; nbf; realm', async () => {
    const jwtConfig = { uri_param_names: ['jwt'], cookie_names: ['token'], claims_to_verify: ['exp', 'nbf'], realm: 'api' };
    const config = service([{ name: 'r', paths: ['/'], plugins: [{ name: 'jwt', config: jwtConfig }] }], { url: echo.url });
    await withGateway(config, async (gateway) => {
      const target = asTarget(gateway);
      const { credential } = await createClient(target);
      const sign = (claims: object = {}) => jwt.sign({ iss: credential.key, exp: now() + 600, nbf: now() - 1, ...claims }, credential.secret);
      const token = sign();
      const get = (pathAndQuery: string, headers: Record<string, string> = {}) => send(gateway.proxyUrl, pathAndQuery, { headers });

      expect((await get(`/?jwt=${token}`)).status).toBe(200);
      expect((await get('/', { Cookie: `other=1; token=${token}` })).status).toBe(200);
      expect((await get(`/?jwt=${token}`, { Authorization: `Bearer ${token}` })).status).toBe(200); // the same token counts once

      const multiple = await get(`/?jwt=${sign({ sub: 'x' })}`, { Authorization: `Bearer ${token}` });
      expect([multiple.status, multiple.body, multiple.headers['www-authenticate']]).toEqual([
        401, { message: 'Multiple tokens provided' }, 'Bearer realm="api" error="invalid_token"',
      ]);
      const early = await get(`/?jwt=${sign({ nbf: now() + 600 })}`);
      expect([early.status, early.body]).toEqual([401, { nbf: 'token not valid yet' }]);
      expect((await get('/')).headers['www-authenticate']).toBe('Bearer realm="api"');
    });
  });
});

describe('route matching', () => {
  test('strip_path joins the rest to the service path; more fields beat longer paths, then longer paths win', async () => {
    const config = {
      services: [
        { name: 'one', url: `${echo.url}/one`, routes: [{ name: 'short', paths: ['/a'] }, { name: 'long', paths: ['/a/b'] }] },
        { name: 'two', url: `${echo.url}/two/`, routes: [{ name: 'get', methods: ['GET'], paths: ['/a'] }] },
      ],
    };
    await withGateway(config, async (gateway) => {
      const upstreamUrl = async (method: string, requestPath: string) =>
        ((await send(gateway.proxyUrl, requestPath, { method })).body as Echoed).url;
      expect(await upstreamUrl('POST', '/a/x?q=1')).toBe('/one/x?q=1');
      expect(await upstreamUrl('POST', '/a')).toBe('/one');
      expect(await upstreamUrl('POST', '/a/b/c')).toBe('/one/c');
      expect(await upstreamUrl('GET', '/a/b/c')).toBe('/two/b/c');
      expect(await upstreamUrl('GET', '/a')).toBe('/two');
    });
  });
});

describe('the headers setting (Kong\'s `headers`)', () => {
  const proxyConfig = () => service([{ name: 'r', paths: ['/up'] }], { url: echo.url });
  const kongHeaders = (reply: { headers: Record<string, unknown> }) =>
    Object.fromEntries(['via', 'server', 'x-kong-upstream-latency', 'x-kong-proxy-latency', 'x-kong-response-latency', 'x-kong-request-id', 'x-kong-admin-latency']
      .filter((name) => reply.headers[name] !== undefined)
      .map((name) => [name, name.includes('latency') ? 'ms' : reply.headers[name]]));

  test('off: none of Kong\'s headers; the upstream still gets Via and the request id', async () => {
    await withGateway(proxyConfig(), async (gateway) => {
      const proxied = await send(gateway.proxyUrl, '/up');
      // With Server off Kong leaves the header alone, and nginx (server_tokens off) names itself.
      expect(kongHeaders(proxied)).toEqual({ server: 'openresty' });
      expect((proxied.body as Echoed).headers).toMatchObject({ via: '1.1 kong/3.9.3', 'x-kong-request-id': expect.stringMatching(REQUEST_ID) });
      expect(kongHeaders(await send(gateway.proxyUrl, '/nowhere'))).toEqual({});
      expect(kongHeaders(await send(gateway.adminUrl, '/'))).toEqual({});
    }, { headers: 'off' });
  });

  test('single names, case-insensitive; `off` after other entries is ignored', async () => {
    await withGateway(proxyConfig(), async (gateway) => {
      expect(kongHeaders(await send(gateway.proxyUrl, '/up'))).toEqual({ via: '1.1 kong/3.9.3', server: 'kong/3.9.3', 'x-kong-proxy-latency': 'ms' });
      expect(kongHeaders(await send(gateway.proxyUrl, '/nowhere'))).toEqual({ server: 'kong/3.9.3' });
    }, { headers: 'serVer_TokEns, off, x-kong-pRoxy-latency' });
    await withGateway(proxyConfig(), async (gateway) => {
      expect(kongHeaders(await send(gateway.proxyUrl, '/up'))).toEqual({ server: 'openresty', 'x-kong-upstream-latency': 'ms' });
      expect(kongHeaders(await send(gateway.proxyUrl, '/nowhere'))).toEqual({});
    }, { headers: 'X-Kong-Upstream-Latency' });
    await withGateway(proxyConfig(), async (gateway) => {
      const kongMade = await send(gateway.proxyUrl, '/nowhere');
      expect(kongHeaders(kongMade)).toEqual({ 'x-kong-response-latency': 'ms', 'x-kong-request-id': kongMade.body.request_id });
    }, { headers: 'X-Kong-Response-Latency, X-Kong-Request-Id' });
  });

  test('X-Kong-Upstream-Status is there when asked for, on proxied answers only', async () => {
    await withGateway(proxyConfig(), async (gateway) => {
      const proxied = await send(gateway.proxyUrl, '/up', { headers: echoAnswer({ status: 418 }) });
      expect([proxied.status, proxied.headers['x-kong-upstream-status']]).toEqual([418, '418']);
      expect((await send(gateway.proxyUrl, '/nowhere')).headers['x-kong-upstream-status']).toBeUndefined();
    }, { headers: 'X-Kong-Upstream-Status' });
  });

  test('an unknown entry stops start-up', async () => {
    await expect(start(configFile(proxyConfig()), {}, undefined, { headers: 'server_tokens, X-Powered-By' })).rejects.toThrow("headers: invalid entry 'X-Powered-By'");
  });
});

describe('whose address counts as the client\'s (trusted_ips, real_ip_header, real_ip_recursive)', () => {
  const config = () => service([{
    name: 'r', paths: ['/'], plugins: [{ name: 'rate-limiting', config: { minute: 1000, limit_by: 'ip' } }],
  }], { url: echo.url });
  const seen = async (gateway: Gateway, headers: Record<string, string>) => {
    const reply = await send(gateway.proxyUrl, '/', { headers });
    return { upstream: (reply.body as Echoed).headers, remaining: reply.headers['x-ratelimit-remaining-minute'] };
  };

  test('by default no peer is trusted: forwarding headers name nobody', async () => {
    await withGateway(config(), async (gateway) => {
      const { upstream } = await seen(gateway, { 'X-Real-IP': '192.0.2.1', 'X-Forwarded-For': '192.0.2.2', 'X-Forwarded-Proto': 'https' });
      expect(upstream).toMatchObject({ 'x-real-ip': '127.0.0.1', 'x-forwarded-for': '192.0.2.2, 127.0.0.1', 'x-forwarded-proto': 'http' });
    });
  });

  test('a trusted peer names the client in X-Real-IP (the default header), and its X-Forwarded-* are kept', async () => {
    await withGateway(config(), async (gateway) => {
      const { upstream } = await seen(gateway, { 'X-Real-IP': '192.0.2.1', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'api.example.test', 'X-Forwarded-Port': '443' });
      expect(upstream).toMatchObject({
        'x-real-ip': '192.0.2.1',
        // Without a client X-Forwarded-For, nginx's $remote_addr (the named client) starts one.
        'x-forwarded-for': '192.0.2.1',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'api.example.test',
        'x-forwarded-port': '443',
      });
      // Rate limiting by address counts the named clients apart.
      const first = await seen(gateway, { 'X-Real-IP': '198.51.100.1' });
      const again = await seen(gateway, { 'X-Real-IP': '198.51.100.1' });
      const other = await seen(gateway, { 'X-Real-IP': '198.51.100.2' });
      expect([first.remaining, again.remaining, other.remaining]).toEqual(['999', '998', '999']);
    }, { trustedIps: '127.0.0.1, 10.0.0.0/8' });
  });

  test('X-Forwarded-For: the last address, or with real_ip_recursive the last untrusted one', async () => {
    const headers = { 'X-Forwarded-For': '203.0.113.9, 10.1.2.3' };
    await withGateway(config(), async (gateway) => {
      const { upstream } = await seen(gateway, headers);
      expect(upstream).toMatchObject({ 'x-real-ip': '10.1.2.3', 'x-forwarded-for': '203.0.113.9, 10.1.2.3, 127.0.0.1' });
    }, { trustedIps: '127.0.0.1,10.0.0.0/8', realIpHeader: 'X-Forwarded-For' });
    await withGateway(config(), async (gateway) => {
      expect((await seen(gateway, headers)).upstream['x-real-ip']).toBe('203.0.113.9');
      // Over several lines, read from the last.
      const lines = await send(gateway.proxyUrl, '/', { headers: { 'X-Forwarded-For': ['203.0.113.7', '10.9.9.9'] } });
      expect((lines.body as Echoed).headers['x-real-ip']).toBe('203.0.113.7');
    }, { trustedIps: '127.0.0.1,10.0.0.0/8', realIpHeader: 'X-Forwarded-For', realIpRecursive: 'on' });
  });

  test('settings Kong would refuse stop start-up', async () => {
    await expect(start(configFile(config()), {}, undefined, { trustedIps: '10.0.0.0/33' })).rejects.toThrow(
      "trusted_ips must be a comma separated list in the form of IPv4 or IPv6 address or CIDR block or 'unix:', got '10.0.0.0/33'",
    );
    await expect(start(configFile(config()), {}, undefined, { realIpRecursive: 'yes' })).rejects.toThrow("real_ip_recursive must be 'on' or 'off', got 'yes'");
  });
});

describe('entity ids', () => {
  test('routes and services keep the ids kong.yml gives; without one, the same name always gets the same id', async () => {
    const { parseConfig } = await import('../../kong/gateway/core/config');
    const { PLUGINS } = await import('../../kong/gateway/plugins');
    const yaml = (id?: string) => stringify({ _format_version: '3.0', ...service([{ name: 'r', paths: ['/'], ...(id ? { id } : {}) }]) });
    const given = parseConfig(yaml('6F2D0C5E-1A2B-4C3D-8E9F-0A1B2C3D4E5F'), {}, PLUGINS);
    expect(given.routes[0].id).toBe('6f2d0c5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f');
    const [a, b] = [parseConfig(yaml(), {}, PLUGINS), parseConfig(yaml(), {}, PLUGINS)];
    expect(a.routes[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([b.routes[0].id, b.routes[0].service!.id]).toEqual([a.routes[0].id, a.routes[0].service!.id]);
  });
});
