import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { parse } from 'yaml';
import { parseConfig } from '../../kong/gateway/core/config';
import { parseHeaders } from '../../kong/gateway/core/settings';
import { PLUGINS } from '../../kong/gateway/plugins';
import type { CorsConfig } from '../../kong/gateway/plugins/cors/schema';
import type { RateLimitingConfig } from '../../kong/gateway/plugins/rate-limiting/schema';
import { dynamodbLocalDir, REPO_ROOT } from '../../scripts/stack';

/**
 * No Docker engine runs here, so docker-compose.yml is checked offline: it
 * must hang together, and agree with kong/kong.yml and serverless.yml.
 */
interface Service {
  image?: string;
  command?: string[];
  build?: unknown;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: unknown;
  depends_on?: Record<string, { condition: string }>;
}

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const { services } = compose;

const listenPort = (listen: string) => Number(listen.split(':').pop());
/** "127.0.0.1:8001:8001" → { hostIp: '127.0.0.1', containerPort: 8001 } */
function portMapping(mapping: string) {
  const parts = mapping.split(':');
  return { hostIp: parts.length === 3 ? parts[0] : undefined, containerPort: Number(parts[parts.length - 1]) };
}

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, the Kong migrations, Kong 3.9, Redis, decK, DynamoDB Local, maildev and the API', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'deck', 'dynamodb', 'kong', 'kong-migrations', 'maildev', 'postgres', 'redis']);
    expect(services.kong.image).toMatch(/^kong:3\.9/);
    expect(services.dynamodb.image).toMatch(/^amazon\/dynamodb-local:/);
  });

  it('runs the DynamoDB Local release `npm start` runs', async () => {
    const jar = await JSZip.loadAsync(readFileSync(path.join(dynamodbLocalDir(), 'DynamoDBLocal.jar')));
    const pom = await jar.file('META-INF/maven/software/amazon/dynamodb/DynamoDBLocal/pom.properties')!.async('string');
    const version = /^version=(\S+)/m.exec(pom)?.[1];
    expect(services.dynamodb.image).toBe(`amazon/dynamodb-local:${version}`);
  });

  it('sends the API\'s mail to maildev (the release `npm start` runs), whose SMTP and web UI only loopback reaches', () => {
    const maildev = services.maildev;
    const version = (JSON.parse(read('node_modules/maildev/package.json')) as { version: string }).version;
    expect(maildev.image).toBe(`maildev/maildev:${version}`);
    const smtpPort = Number(maildev.environment!.MAILDEV_SMTP_PORT);
    const webPort = Number(maildev.environment!.MAILDEV_WEB_PORT);
    expect(maildev.ports!.map(portMapping).sort((a, b) => a.containerPort - b.containerPort)).toEqual(
      [smtpPort, webPort].sort((a, b) => a - b).map((containerPort) => ({ hostIp: '127.0.0.1', containerPort })),
    );
    expect(maildev.ports).toEqual(expect.arrayContaining([`127.0.0.1:1025:${smtpPort}`, `127.0.0.1:1080:${webPort}`]));
    expect(maildev.healthcheck).toBeDefined();
    expect(services.api.environment!.MAIL_TRANSPORT).toBe('smtp');
    const smtp = new URL(services.api.environment!.SMTP_URL);
    expect({ protocol: smtp.protocol, host: smtp.hostname, port: Number(smtp.port) }).toEqual({ protocol: 'smtp:', host: 'maildev', port: smtpPort });
  });

  it('shares one DynamoDB Local database between all keys only where nothing but loopback reaches it', () => {
    expect(services.dynamodb.command).toContain('-sharedDb');
    expect(services.dynamodb.ports!.map(portMapping).map((port) => port.hostIp)).toEqual(['127.0.0.1']);
  });

  it('orders start-up with depends_on conditions that exist and can be met', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect({ name, dependency, exists: dependency in services }).toEqual({ name, dependency, exists: true });
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy') expect(services[dependency].healthcheck).toBeDefined();
      }
    }
    expect(services['kong-migrations'].depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.kong.depends_on).toEqual({
      'kong-migrations': { condition: 'service_completed_successfully' },
      redis: { condition: 'service_healthy' },
    });
    expect(services.deck.depends_on).toEqual({ kong: { condition: 'service_healthy' } });
    expect(services.api.depends_on).toEqual({ dynamodb: { condition: 'service_healthy' }, maildev: { condition: 'service_healthy' } });
  });

  it("publishes Kong's Admin API on the host's loopback only, and nothing but the proxy on all interfaces", () => {
    const adminPort = listenPort(services.kong.environment!.KONG_ADMIN_LISTEN);
    const proxyPort = listenPort(services.kong.environment!.KONG_PROXY_LISTEN);
    const kongPorts = services.kong.ports!.map(portMapping);
    expect(kongPorts).toContainEqual({ hostIp: '127.0.0.1', containerPort: adminPort });
    const openToAll = Object.entries(services).flatMap(([name, service]) =>
      (service.ports ?? []).map(portMapping).filter((port) => port.hostIp !== '127.0.0.1').map((port) => ({ name, ...port })),
    );
    expect(openToAll).toEqual([{ name: 'kong', hostIp: undefined, containerPort: proxyPort }]);
  });

  it("points decK at Kong, and kong.yml's aws-lambda plugins at the API's Lambda port", () => {
    const deck = services.deck as Service & { command: string[] };
    const kongAddr = new URL(deck.command[deck.command.indexOf('--kong-addr') + 1]);
    expect(kongAddr.hostname).toBe('kong');
    expect(Number(kongAddr.port)).toBe(listenPort(services.kong.environment!.KONG_ADMIN_LISTEN));
    expect(deck.command).toContain('/kong/kong.yml');

    expect(deck.environment!.DECK_LAMBDA_HOST).toBe('api');
    expect(deck.environment!.DECK_LAMBDA_PORT).toBe(services.api.environment!.LAMBDA_PORT);
    expect(deck.environment!.DECK_LAMBDA_DISABLE_HTTPS).toBe('true');
    // serverless-offline names functions <service>-<stage>-<function>; the Dockerfile runs the local stage.
    expect(deck.environment!.DECK_FUNCTION_PREFIX).toBe('kong-lambda-auth-local-');
    expect(read('Dockerfile')).toContain('offline start --stage local');
  });

  it('gives decK every environment variable kong/kong.yml reads', () => {
    const placeholders = [...read('kong/kong.yml').matchAll(/\$\{\{\s*env\s+"([A-Z0-9_]+)"\s*\}\}/g)].map((m) => m[1]);
    expect(placeholders.length).toBeGreaterThan(0);
    for (const name of placeholders) expect(Object.keys(services.deck.environment!)).toContain(name);
  });

  it("counts kong.yml's rate limits in the redis service, which only the other containers reach", () => {
    const deck = services.deck.environment!;
    expect(deck.DECK_RATE_LIMIT_POLICY).toBe('redis');
    expect(deck.DECK_REDIS_HOST).toBe('redis');
    const redisPort = services.redis.command?.includes('--port') ? services.redis.command[services.redis.command.indexOf('--port') + 1] : '6379';
    expect(deck.DECK_REDIS_PORT).toBe(redisPort);
    expect(services.redis.ports).toBeUndefined();
  });

  it('has no default for the forward-auth key: compose stops and says how to set it', () => {
    expect(services.deck.environment!.DECK_FORWARD_AUTH_KEY).toMatch(/^\$\{DECK_FORWARD_AUTH_KEY:\?[^}]*openssl rand[^}]*\}$/);
  });

  it("kong.yml with decK's values from the compose file (their defaults) loads, as Kong's schemas check it", () => {
    // Compose's `${NAME:-default}` with nothing set in the shell: the default;
    // `${NAME:?message}` (a secret, no default): a value the operator set.
    const deckEnv = Object.fromEntries(
      Object.entries(services.deck.environment!).map(([name, value]) => [
        name,
        String(value).replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1').replace(/\$\{[A-Z0-9_]+:\?[^}]*\}/g, 'operator-set-secret'),
      ]),
    );
    const config = parseConfig(read('kong/kong.yml'), deckEnv, PLUGINS);
    const plugins = config.routes.flatMap((route) => route.plugins.map((plugin) => ({ route: route.name, ...plugin })));
    const limits = plugins.filter((plugin) => plugin.name === 'rate-limiting').map((plugin) => plugin.config as RateLimitingConfig);
    expect(limits.length).toBeGreaterThan(0);
    for (const limit of limits) expect(limit).toMatchObject({ policy: 'redis', redis: { host: 'redis', port: 6379 } });
    // No origin listed by default: the list still holds the entry that matches no
    // browser, so Kong never reads it as empty, i.e. as `*`.
    const corsOrigins = plugins.filter((plugin) => plugin.name === 'cors').map((plugin) => (plugin.config as CorsConfig).origins);
    expect(corsOrigins.length).toBeGreaterThan(0);
    for (const origins of corsOrigins) expect(origins).toEqual(['https://no-cross-origin\\.invalid']);
    // Every route refuses large bodies before its function.
    for (const route of config.routes) expect({ route: route.name, sizeLimited: route.plugins.some((plugin) => plugin.name === 'request-size-limiting') }).toEqual({ route: route.name, sizeLimited: true });
  });

  it("sets Kong's trusted_ips and real_ip_header, trusting no peer unless told to", () => {
    const env = services.kong.environment!;
    expect(env.KONG_TRUSTED_IPS).toBe('${KONG_TRUSTED_IPS:-NONE}');
    expect(env.KONG_REAL_IP_HEADER).toBe('${KONG_REAL_IP_HEADER:-X-Real-IP}');
    expect(env.KONG_REAL_IP_RECURSIVE).toBe('${KONG_REAL_IP_RECURSIVE:-off}');
  });

  it('has Kong show only the request id on its answers: no Server version, no latencies', () => {
    const value = /^\$\{KONG_HEADERS:-(.*)\}$/.exec(String(services.kong.environment!.KONG_HEADERS))?.[1];
    expect(value).toBeDefined();
    expect([...parseHeaders(value!)]).toEqual(['X-Kong-Request-Id']);
  });

  it('gives the API the settings serverless.yml reads, pointing at the other services', () => {
    const serverlessYml = read('serverless.yml');
    const readBySls = new Set([...serverlessYml.matchAll(/\benv:([A-Z0-9_]+)/g)].map((m) => m[1]));
    const env = services.api.environment!;
    // What the AWS SDK reads itself, besides serverless.yml.
    const sdkSettings = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
    for (const name of Object.keys(env)) {
      if (!sdkSettings.includes(name)) expect({ name, readBySls: readBySls.has(name) }).toEqual({ name, readBySls: true });
    }
    expect(env.API_HOST).toBe('0.0.0.0');

    const kongAdmin = new URL(env.KONG_ADMIN_URL);
    expect(kongAdmin.hostname).toBe('kong');
    expect(Number(kongAdmin.port)).toBe(listenPort(services.kong.environment!.KONG_ADMIN_LISTEN));

    const dynamodb = new URL(env.DYNAMODB_ENDPOINT);
    expect(dynamodb.hostname).toBe('dynamodb');
    expect(services.dynamodb.ports!.map(portMapping).map((port) => port.containerPort)).toContain(Number(dynamodb.port));
  });

  it('judges the API healthy by its own health function, invoked on the Lambda Invoke port as Kong invokes it (the HTTP port stays closed)', () => {
    const healthcheck = services.api.healthcheck as { test: string[] };
    const script = healthcheck.test[healthcheck.test.indexOf('-e') + 1];
    const url = new URL(/fetch\('([^']+)'/.exec(script)![1]);
    expect(url.pathname).toBe('/2015-03-31/functions/kong-lambda-auth-local-health/invocations');
    expect(url.port).toBe(services.api.environment!.LAMBDA_PORT);
    // A 503 (a dependency down) is unhealthy, not merely an answer.
    expect(script).toContain('p.statusCode === 200 ? 0 : 1');
    expect(services.api.environment!.API_PORT).toBeUndefined();
    expect(services.api.environment!.API_HTTP).toBeUndefined();
    expect(services.api.environment!.TRUSTED_PROXIES).toBe(services.kong.environment!.KONG_TRUSTED_IPS);
  });

  it("loads the project's Lua plugins (kong/plugins/*) into Kong and its migrations: enabled, mounted, on the Lua path", () => {
    const plugins = readdirSync(path.join(REPO_ROOT, 'kong/plugins'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(plugins).toContain('forward-auth');
    for (const plugin of plugins) {
      for (const file of ['handler.lua', 'schema.lua']) expect(existsSync(path.join(REPO_ROOT, 'kong/plugins', plugin, file))).toBe(true);
    }

    for (const name of ['kong', 'kong-migrations']) {
      const env = services[name].environment!;
      const enabled = env.KONG_PLUGINS.split(',').map((plugin) => plugin.trim());
      expect({ name, bundled: enabled.includes('bundled'), own: enabled.filter((p) => p !== 'bundled').sort() }).toEqual({ name, bundled: true, own: plugins });

      // Kong requires kong.plugins.<name>.handler: the mount must end in kong/plugins, its parent be on the Lua path.
      const mounts = (services[name].volumes ?? []).map((volume) => volume.split(':'));
      const mount = mounts.find(([source]) => path.resolve(REPO_ROOT, source) === path.join(REPO_ROOT, 'kong/plugins'));
      expect(mount).toBeDefined();
      const [, containerPath, mode] = mount!;
      expect(mode).toBe('ro');
      expect(containerPath).toMatch(/^\/.+\/kong\/plugins$/);
      const luaPath = env.KONG_LUA_PACKAGE_PATH;
      expect(luaPath.split(';')).toContain(`${containerPath.slice(0, -'/kong/plugins'.length)}/?.lua`);
      // ";;" appends Lua's default path, where Kong's own modules are.
      expect(luaPath.endsWith(';;')).toBe(true);
    }
  });

  it('gives Kong and its migrations the database PostgreSQL creates', () => {
    const postgres = services.postgres.environment!;
    for (const name of ['kong', 'kong-migrations']) {
      expect(services[name].environment).toMatchObject({
        KONG_DATABASE: 'postgres',
        KONG_PG_HOST: 'postgres',
        KONG_PG_DATABASE: postgres.POSTGRES_DB,
        KONG_PG_USER: postgres.POSTGRES_USER,
        KONG_PG_PASSWORD: postgres.POSTGRES_PASSWORD,
      });
    }
  });
});
