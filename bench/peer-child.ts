/**
 * The peer, measured as work-child.ts measures our handlers: better-auth
 * (email and password with its default scrypt, its `jwt` plugin with ES256
 * keys, its `bearer` plugin) in a process of its own, called through its
 * documented server API (`auth.api.*`), one request at a time, each on state
 * of its own, after a warm-up. Per request: the process's CPU around the call,
 * the CPU of the password hash inside it (timed around the `password.verify`
 * it calls, which is its own default), the database statements (adapter
 * calls) and the signatures it makes.
 *
 * Its database is its memory adapter: it needs no native build (a fresh
 * machine's `npm ci` installs it), and it costs next to nothing per statement,
 * which favours the peer: our DynamoDB calls pay for HTTP, SigV4 and DynamoDB
 * JSON in this process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import { bearer, jwt } from 'better-auth/plugins';
import type { PeerHash, PeerOperation, PeerReply, PeerSignIn } from './peer';

const SAMPLES = Number(process.env.BENCH_WORK_SAMPLES ?? 10);
/** Unmeasured requests per operation before its samples, as work-child.ts does. */
const WARMUP = 3;
/**
 * Whole sign-up, sign-in, session check and token cycles before anything is
 * measured: the JIT and the signing key. Twice the samples, 20 at the default
 * 10, so the brief bench test stays brief.
 */
const WARM_CYCLES = Math.min(20, 2 * SAMPLES);
const PASSWORD = 'bench password 1';

/** What the request being measured does; undefined while a probe prepares its state. */
interface Recording {
  /** Database statements, and the adapter calls they come from. */
  statements: number;
  operations: string[];
  signatures: number;
  hashCpuMs: number;
  hashes: number;
}
let recording: Recording | undefined;

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/**
 * While a probe prepares its state (users and sessions, not measured), the
 * password is hashed once for all: two scrypt runs per prepared session would
 * make the bench's setup, not its measurement, take most of its time on a busy
 * machine. Every measured request and the warm-up run its default hash.
 */
let preparing = false;
let preparedHash: Promise<string> | undefined;
const preparedPassword = {
  hash: (password: string) => {
    if (password !== PASSWORD) throw new Error('the bench prepares users with its one password only');
    return (preparedHash ??= hashPassword(PASSWORD));
  },
  verify: async ({ hash, password }: { hash: string; password: string }) => hash === (await preparedHash) && password === PASSWORD,
};

/**
 * The hash's CPU: process.cpuUsage counts every thread, so node:crypto's scrypt
 * on libuv's pool is in it; nothing else runs while one request awaits it.
 */
async function timedHash<T>(run: () => Promise<T>): Promise<T> {
  const before = process.cpuUsage();
  try {
    return await run();
  } finally {
    if (recording) {
      recording.hashCpuMs += cpuMs(process.cpuUsage(before));
      recording.hashes++;
    }
  }
}

// jose 6 (the jwt plugin's) signs through WebCrypto: every ES256 token is one ECDSA subtle.sign
// (its signed cookies and bearer tokens are HMACs, which KMS would never see either).
const subtle = globalThis.crypto.subtle;
const sign = subtle.sign.bind(subtle);
subtle.sign = ((...args: Parameters<typeof subtle.sign>) => {
  const [algorithm] = args;
  if (recording && (typeof algorithm === 'string' ? algorithm : algorithm.name) === 'ECDSA') recording.signatures++;
  return sign(...args);
}) as typeof subtle.sign;

type Adapter = Record<string, unknown>;

/**
 * Every adapter call, inside transactions too, e.g. "findOne session + user".
 * A call asking for a join is one query plus one per joined model (per row
 * found, for findMany): better-auth's adapter factory runs joins that way
 * unless `advanced.database.joins` is on (off by default), on SQL as here.
 */
function counted(adapter: Adapter): Adapter {
  for (const [name, value] of Object.entries(adapter)) {
    if (typeof value !== 'function' || name === 'createSchema') continue;
    const method = value as (...args: unknown[]) => unknown;
    adapter[name] =
      name === 'transaction'
        ? (callback: (trx: Adapter) => unknown) => method.call(adapter, (trx: Adapter) => callback(counted(trx)))
        : async (...args: unknown[]) => {
            const measuring = recording;
            const result = await method.apply(adapter, args);
            if (measuring) {
              const { model, join } = (args[0] ?? {}) as { model?: string; join?: Record<string, unknown> };
              const joined = Object.entries(join ?? {}).filter(([, wanted]) => wanted).map(([joinedModel]) => joinedModel);
              const rows = name === 'findMany' ? (Array.isArray(result) ? result.length : 0) : result ? 1 : 0;
              measuring.statements += 1 + joined.length * rows;
              measuring.operations.push([`${name} ${model ?? ''}`.trim(), ...joined].join(' + '));
            }
            return result;
          };
  }
  return adapter;
}

const tables = { user: [], session: [], account: [], verification: [], jwks: [] };
const memory = memoryAdapter(tables);
const database = ((options: Parameters<typeof memory>[0]) => counted(memory(options) as unknown as Adapter)) as unknown as typeof memory;

const auth = betterAuth({
  baseURL: 'http://localhost:3000',
  secret: 'bench secret, at least thirty-two characters long',
  database,
  emailAndPassword: {
    enabled: true,
    // Its defaults, timed.
    password: {
      hash: (password) => (preparing ? preparedPassword.hash(password) : timedHash(() => hashPassword(password))),
      verify: (data) => (preparing ? preparedPassword.verify(data) : timedHash(() => verifyPassword(data))),
    },
  },
  plugins: [
    // The session check stays a session check: by default the plugin would also sign a JWT into every getSession answer.
    jwt({ jwks: { keyPairConfig: { alg: 'ES256' } }, disableSettingJwtHeader: true }),
    bearer(),
  ],
  telemetry: { enabled: false },
  logger: { disabled: true },
});

let names = 0;
// As through a proxy: the session records the address and the user agent.
const requestHeaders = (extra: Record<string, string> = {}) =>
  new Headers({ 'user-agent': 'bench', 'x-forwarded-for': '127.0.0.1', ...extra });

async function newUser(): Promise<string> {
  const email = `peer-${process.pid}-${names++}@example.com`;
  await auth.api.signUpEmail({ body: { email, password: PASSWORD, name: 'bench' }, headers: requestHeaders() });
  return email;
}

/** A bearer token for a new session (the `set-auth-token` header the bearer plugin adds). */
async function newSession(): Promise<string> {
  const { headers } = await auth.api.signInEmail({ body: { email: await newUser(), password: PASSWORD }, headers: requestHeaders(), returnHeaders: true });
  const token = headers.get('set-auth-token');
  if (!token) throw new Error('better-auth signed in without a set-auth-token header (is the bearer plugin on?)');
  return token;
}

/** Per operation: the state it needs (prepared, not measured) and the one request that is, which throws unless it succeeded. */
type Probe = () => Promise<() => Promise<void>>;

const probes: Record<'signIn' | 'session' | 'token', Probe> = {
  signIn: async () => {
    const email = await newUser();
    return async () => {
      const { response } = await auth.api.signInEmail({ body: { email, password: PASSWORD }, headers: requestHeaders(), returnHeaders: true });
      if (!response.token) throw new Error('signInEmail answered without a session token');
    };
  },
  session: async () => {
    const token = await newSession();
    return async () => {
      const session = await auth.api.getSession({ headers: requestHeaders({ authorization: `Bearer ${token}` }) });
      if (!session?.user) throw new Error('getSession found no session for a fresh bearer token');
    };
  },
  token: async () => {
    const token = await newSession();
    return async () => {
      const { token: issued } = await auth.api.getToken({ headers: requestHeaders({ authorization: `Bearer ${token}` }) });
      const { alg } = JSON.parse(Buffer.from(issued.split('.')[0], 'base64url').toString());
      if (alg !== 'ES256') throw new Error(`the jwt plugin signed with ${alg}, not ES256`);
    };
  },
};

type Sample = Recording & { cpuMs: number; wallMs: number };

async function measure(probe: Probe): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    preparing = true;
    const request = await probe().finally(() => {
      preparing = false;
    });
    const measuring: Recording = { statements: 0, operations: [], signatures: 0, hashCpuMs: 0, hashes: 0 };
    recording = measuring;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    try {
      await request();
    } finally {
      recording = undefined;
    }
    const wallMs = performance.now() - started;
    const cpu = cpuMs(process.cpuUsage(cpuBefore));
    if (i >= WARMUP) samples.push({ ...measuring, cpuMs: cpu, wallMs });
  }
  return samples;
}

function summary(samples: Sample[]): PeerOperation {
  // The statements of the request that made the most (they should all make the same).
  const worst = samples.reduce((a, b) => (b.statements > a.statements ? b : a));
  return {
    statements: worst.statements,
    operations: worst.operations,
    signatures: Math.max(...samples.map((s) => s.signatures)),
    cpuMs: round(median(samples.map((s) => s.cpuMs))),
    wallMs: round(median(samples.map((s) => s.wallMs))),
    samples: samples.length,
  };
}

function signInSummary(samples: Sample[]): PeerSignIn {
  if (samples.some((s) => s.hashes !== 1)) throw new Error('a better-auth sign-in did not verify its password exactly once');
  return {
    ...summary(samples),
    hashCpuMs: round(median(samples.map((s) => s.hashCpuMs))),
    // Per request, then the median: the hash is timed inside each one.
    beyondHashCpuMs: round(median(samples.map((s) => Math.max(0, s.cpuMs - s.hashCpuMs)))),
  };
}

/** The package the server API comes from, resolved as the bench resolves it. */
const packageDir = path.dirname(path.dirname(require.resolve('better-auth')));

/** Its password hash's parameters, read from the module that runs on Node (not restated here, so an upgrade shows). */
function hashParameters(): PeerHash {
  const file = createRequire(require.resolve('better-auth')).resolve('@better-auth/utils/password');
  const source = readFileSync(file, 'utf8');
  const parameter = (name: string) => Number(new RegExp(`\\b${name}:\\s*(\\d+)`).exec(source)?.[1] ?? NaN);
  return {
    algorithm: 'scrypt',
    N: parameter('N'),
    r: parameter('r'),
    p: parameter('p'),
    keyLength: parameter('dkLen'),
    implementation: /from "node:crypto"|require\("node:crypto"\)/.test(source) ? "node:crypto's scrypt (libuv's thread pool)" : 'JavaScript (@noble/hashes)',
    module: path.relative(path.dirname(packageDir), file),
  };
}

async function main(): Promise<PeerReply> {
  // Warm-up: the code paths (the hash's is native code, run in each operation's own warm-up), and
  // the first token mints the ES256 key pair (stored encrypted, as by default).
  preparing = true;
  for (let i = 0; i < WARM_CYCLES; i++) {
    const token = await newSession();
    const headers = requestHeaders({ authorization: `Bearer ${token}` });
    await auth.api.getSession({ headers });
    await auth.api.getToken({ headers });
  }
  preparing = false;
  const version = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version as string;
  return {
    name: 'better-auth',
    version,
    adapter: 'memory (better-auth/adapters/memory, in this process)',
    plugins: ['jwt (ES256, private key stored encrypted: its default)', 'bearer'],
    hash: hashParameters(),
    signIn: signInSummary(await measure(probes.signIn)),
    session: summary(await measure(probes.session)),
    token: summary(await measure(probes.token)),
  };
}

main().then(
  (peer) => process.send!({ peer }, () => process.exit(0)),
  (error: Error) => process.send!({ error: error.stack ?? String(error) }, () => process.exit(1)),
);
