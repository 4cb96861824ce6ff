/**
 * The local gateway itself, whatever GATEWAY_PROXY_URL says: how it reads its
 * configuration, runs as a process, keeps its data, and answers for its
 * upstream. Fixture configurations cover what kong.yml does not use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { stringify } from 'yaml';
import { startGateway, type Gateway } from '../../kong/gateway';
import { lambdaDeckEnv, sessionDeckEnv } from '../../scripts/stack/gateway';
import { FUNCTION, signatureIsValid, startStandIn, type StandIn } from './lambda-stand-in';
import { admin, createClient, now, REQUEST_ID, send, startEcho, type Echo, type Echoed, type Target } from './support';

const ROOT = path.resolve(__dirname, '..', '..');
/** What the gateway needs of an aws-lambda config; its endpoint is never called in configuration checks. */
const LAMBDA = { function_name: FUNCTION, host: '127.0.0.1', port: 9, disable_https: true, awsgateway_compatible: true, is_proxy_integration: true };
const PROJECT_ENV = { ...lambdaDeckEnv(9), ...sessionDeckEnv(9, 5), DECK_PUBLIC_RATE_LIMIT_PER_MINUTE: '10' };

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

const start = (configPath: string, env: NodeJS.ProcessEnv = {}, dataFile?: string) =>
  startGateway({ configPath, proxyPort: 0, adminPort: 0, env, dataFile });

const asTarget = (gateway: Gateway): Target => ({ ...gateway, close: gateway.close });

/** Runs `use` against a gateway started with this configuration, then stops it. */
async function withGateway(config: object, use: (gateway: Gateway) => Promise<void>): Promise<void> {
  const gateway = await start(configFile(config));
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
      /kong\.yml: environment variable 'DECK_PUBLIC_RATE_LIMIT_PER_MINUTE' present in state file but not set/,
    );
  });

  const jwtRoute = (config: object) => service([{ name: 'r', paths: ['/'], plugins: [{ name: 'jwt', config }] }]);
  const lambdaRoute = (config: object) => ({ routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'aws-lambda', config: { ...LAMBDA, ...config } }] }] });
  const rateLimitedRoute = (config: object) => service([{ name: 'r', paths: ['/'], plugins: [{ name: 'rate-limiting', config }] }]);

  test.each<[string, object | string, RegExp]>([
    ['an unknown plugin', service([{ name: 'r', paths: ['/'], plugins: [{ name: 'key-auth' }] }]), /services\[api\]\.routes\[r\]\.plugins\[key-auth\]: unknown plugin 'key-auth'/],
    ['an unknown route field', service([{ name: 'r', paths: ['/'], hosts: ['example.com'] }]), /services\[api\]\.routes\[r\]\.hosts: unknown or unsupported field/],
    ['an unknown service field', service([], { retries: 3 }), /services\[api\]\.retries: unknown or unsupported field/],
    ['an unknown top-level section', { ...service([]), consumers: [] }, /: consumers: unknown or unsupported field/],
    ['an unknown plugin option', jwtRoute({ leeway: 10 }), /plugins\[jwt\]\.config\.leeway: unknown or unsupported field/],
    ['an unsupported option value', rateLimitedRoute({ minute: 5, policy: 'redis' }), /config\.policy: expected one of: local/],
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

  test('a configuration error exits 1 with the message on stderr', async () => {
    const cli = runCli({ GATEWAY_CONFIG: configFile(service([{ name: 'r', paths: ['/'], plugins: [{ name: 'acl' }] }])) });
    expect(await cli.exited).toBe(1);
    expect(cli.output().stderr).toMatch(/^gateway: .*plugins\[acl\]: unknown plugin 'acl'/);
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
  test('an unreachable upstream: 502 as Kong answers it', async () => {
    const closed = await startEcho();
    await closed.close();
    await withGateway(service([{ name: 'r', paths: ['/'] }], { url: closed.url }), async (gateway) => {
      const reply = await send(gateway.proxyUrl, '/anything');
      expect(reply.status).toBe(502);
      expect(reply.body).toEqual({ message: 'An invalid response was received from the upstream server', request_id: expect.stringMatching(REQUEST_ID) });
    });
  });

  test('an upstream slower than read_timeout: 504', async () => {
    const silent: Server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      await withGateway(service([{ name: 'r', paths: ['/'] }], { url, read_timeout: 200 }), async (gateway) => {
        const reply = await send(gateway.proxyUrl, '/slow');
        expect(reply.status).toBe(504);
        expect(reply.body).toMatchObject({ message: 'The upstream server is timing out' });
      });
    } finally {
      silent.closeAllConnections();
      silent.close();
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
