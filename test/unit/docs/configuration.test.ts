import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { SettingDefault } from '../../../lib/platform/env';
import { DEFAULT_PORTS, PORT_ENV_VARS } from '../../../scripts/stack/ports';
import { DEFAULT_RATE_LIMITS } from '../../../scripts/stack/stack';

/**
 * docs/configuration.md against the code: every setting the service's
 * readers (lib/platform/env.ts) are asked for is documented exactly once,
 * with the default the code applies, rendered the one way this test renders
 * it; nothing documented is unknown; serverless.yml's `${env:NAME, 'default'}`
 * fallbacks agree with the code's; the stack's and kong.yml's variables exist
 * where the docs say.
 */
const ROOT = path.resolve(__dirname, '../../..');
const DOC = fs.readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');

/** The rows of the table under `## <heading>`: variable name → its default and meaning cells. */
function table(heading: string): Map<string, { default: string; meaning: string }> {
  const start = DOC.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/configuration.md has no "## ${heading}"`);
  const end = DOC.indexOf('\n## ', start + 1);
  const rows = new Map<string, { default: string; meaning: string }>();
  for (const line of DOC.slice(start, end < 0 ? undefined : end).split('\n')) {
    const match = /^\| `([A-Z][A-Z0-9_]*)` \| (.*?) \| (.*) \|$/.exec(line);
    if (!match) continue;
    if (rows.has(match[1])) throw new Error(`${match[1]} has two rows under "${heading}"`);
    rows.set(match[1], { default: match[2], meaning: match[3] });
  }
  return rows;
}

const SERVICE = table('The functions');
const STACK = table('The local stack');
const DECK = table('kong.yml');

/** Read by a library, not by our readers: the library's own default. */
const READ_BY_LIBRARIES: Record<string, string> = { POWERTOOLS_METRICS_DISABLED: '`false`' };
/** Set by the platform, never by an operator: they tell a deployed function from a local one. */
const PLATFORM = new Set(['AWS_LAMBDA_FUNCTION_NAME', 'IS_OFFLINE', 'IS_LOCAL']);

const REQUIRED_LOCALLY = {
  USERS_TABLE: 'u',
  TOKENS_TABLE: 't',
  ATTEMPTS_TABLE: 'a',
  PROFILES_TABLE: 'p',
  IDENTITY_JWKS_URL: 'https://auth.example.test/.well-known/jwks.json',
};
const DEPLOYED = {
  ...REQUIRED_LOCALLY,
  AWS_LAMBDA_FUNCTION_NAME: 'kong-lambda-auth-prod-signin',
  KONG_ADMIN_URL: 'http://10.0.1.5:8001',
  PASSWORD_PEPPER: 'p'.repeat(40),
  DEVICE_TOKEN_SECRET: 'd'.repeat(40),
  ISSUER_URL: 'https://auth.example.test',
};

/** The only modules of lib/ and functions/ that read the environment; the test loads each. */
const READERS = ['lib/platform/config.ts', 'lib/browser-sessions/config.ts', 'lib/profiles/config.ts', 'lib/platform/log.ts', 'lib/platform/client-address.ts', 'lib/pages/config.ts'];

/** Every module that reads settings, loaded fresh under `env`: what the readers recorded, and every name anything read. */
function settingsUnder(env: Record<string, string>): { settings: Map<string, SettingDefault>; touched: Set<string> } {
  const touched = new Set<string>();
  const saved = process.env;
  process.env = new Proxy({ ...env } as NodeJS.ProcessEnv, {
    get(target, name) {
      if (typeof name === 'string') touched.add(name);
      return target[name as string];
    },
  });
  try {
    let settings: Map<string, SettingDefault> | undefined;
    jest.isolateModules(() => {
      require('../../../lib/platform/config');
      require('../../../lib/browser-sessions/config');
      require('../../../lib/profiles/config');
      // The log level is read at the first log line; debug is below the default level, so nothing prints.
      require('../../../lib/platform/log').log.debug('configuration test');
      settings = require('../../../lib/platform/env').settingsRead;
    });
    return { settings: new Map(settings!), touched: new Set([...touched].filter((name) => /^[A-Z][A-Z0-9_]*$/.test(name))) };
  } finally {
    process.env = saved;
  }
}

const local = settingsUnder(REQUIRED_LOCALLY);
const deployed = settingsUnder(DEPLOYED);

const shown = (setting: SettingDefault) => (setting.required ? 'required' : setting.value === undefined ? '–' : `\`${setting.value}\``);

/** The default cell for a setting: the local default, and the deployed one where it differs. */
function expectedDefault(name: string): string {
  const here = shown(local.settings.get(name)!);
  const there = deployed.settings.has(name) ? shown(deployed.settings.get(name)!) : here;
  return there === here ? here : `${here}; deployed: ${there}`;
}

it('documents every setting the functions read, once, with the default the code applies', () => {
  const names = new Set([...local.settings.keys(), ...deployed.settings.keys()]);
  expect(names.size).toBeGreaterThan(40);
  const documented = Object.fromEntries([...SERVICE].filter(([name]) => !(name in READ_BY_LIBRARIES)).map(([name, row]) => [name, row.default]));
  const actual = Object.fromEntries([...names].sort().map((name) => [name, expectedDefault(name)]));
  expect(documented).toEqual(actual);
});

it('documents the settings libraries read, with their defaults', () => {
  for (const [name, fallback] of Object.entries(READ_BY_LIBRARIES)) expect(SERVICE.get(name)?.default).toBe(fallback);
});

it('reads no variable except through a reader that records it (or the three the platform sets)', () => {
  for (const run of [local, deployed]) {
    expect([...run.touched].filter((name) => !run.settings.has(name) && !PLATFORM.has(name))).toEqual([]);
  }
});

it('knows every module of lib/ and functions/ that reads the environment', () => {
  const readers = ['lib', 'functions'].flatMap((dir) =>
    (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts'))
      .map((file) => `${dir}/${file}`)
      .filter((file) => /process\.env/.test(fs.readFileSync(path.join(ROOT, file), 'utf8'))),
  );
  expect(readers.sort()).toEqual([...READERS].sort());
});

it('documents no variable in two tables', () => {
  const all = [...SERVICE.keys(), ...STACK.keys(), ...DECK.keys()];
  expect(all.filter((name, index) => all.indexOf(name) !== index)).toEqual([]);
});

describe("serverless.yml's environment", () => {
  const sls = YAML.parse(fs.readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' });
  const environments: Array<Record<string, unknown>> = [
    sls.provider.environment,
    ...Object.values(sls.functions as Record<string, { environment?: Record<string, unknown> }>).map((fn) => fn.environment ?? {}),
  ];
  const entries = environments.flatMap((environment) => Object.entries(environment));

  it('sets only documented variables', () => {
    expect(entries.map(([name]) => name).filter((name) => !SERVICE.has(name))).toEqual([]);
  });

  it('passes on to the local functions every setting but those the docs name', () => {
    const text = fs.readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8');
    const notPassed = [...SERVICE.keys()].filter((name) => !new RegExp(`env:${name}[,}]`).test(text));
    const paragraph = /A function setting reaches the local functions[\s\S]*?Only\s([\s\S]*?)\sare not passed/.exec(DOC)?.[1] ?? '';
    const named = [...paragraph.matchAll(/`([A-Z0-9_]+)`/g)].map((match) => match[1]);
    expect(notPassed.sort()).toEqual([...named, 'IDENTITY_TOKEN_ISSUER'].sort());
  });

  it("falls back to the code's defaults (an empty fallback leaves the code's own)", () => {
    const disagreeing = [];
    for (const [name, value] of entries) {
      const match = /^\$\{env:([A-Z0-9_]+), '([^']*)'\}$/.exec(String(value));
      if (!match) continue;
      expect(match[1]).toBe(name);
      const code = local.settings.get(name)?.value ?? READ_BY_LIBRARIES[name]?.replace(/`/g, '');
      if (match[2] === '' ? local.settings.get(name)?.required : match[2] !== code) disagreeing.push(`${name}: '${match[2]}' against ${code}`);
    }
    expect(disagreeing).toEqual([]);
  });
});

describe('the local stack and kong.yml', () => {
  const source = (dir: string) =>
    (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
      .filter((file) => /\.(ts|js|yml)$/.test(file))
      .map((file) => fs.readFileSync(path.join(ROOT, dir, file), 'utf8'))
      .join('\n');

  it("documents the ports with npm start's defaults", () => {
    for (const [key, name] of Object.entries(PORT_ENV_VARS)) {
      expect(STACK.get(name)?.default).toBe(`\`${DEFAULT_PORTS[key as keyof typeof DEFAULT_PORTS]}\``);
    }
  });

  it("documents kong.yml's rate limits with npm start's defaults", () => {
    const rows = { public: 'PUBLIC', protected: 'PROTECTED', password: 'PASSWORD', introspect: 'INTROSPECT', browser: 'BROWSER' } as const;
    for (const [key, word] of Object.entries(rows)) {
      expect(DECK.get(`DECK_${word}_RATE_LIMIT_PER_MINUTE`)?.default).toBe(`\`${DEFAULT_RATE_LIMITS[key as keyof typeof rows]}\``);
    }
  });

  it('documents only variables the stack or the gateway reads', () => {
    const code = source('scripts') + source('kong/gateway');
    expect([...STACK.keys()].filter((name) => !code.includes(name))).toEqual([]);
  });

  it("documents every DECK_ variable kong/*.yml uses, and no other", () => {
    const used = new Set(
      fs
        .readdirSync(path.join(ROOT, 'kong'))
        .filter((file) => file.endsWith('.yml'))
        .flatMap((file) => [...fs.readFileSync(path.join(ROOT, 'kong', file), 'utf8').matchAll(/env "(DECK_[A-Z0-9_]+)"/g)].map((m) => m[1])),
    );
    expect([...DECK.keys()].sort()).toEqual([...used].sort());
  });
});
