/** `npm run bench`'s flags and settings, the usage profile and the price table the cost part uses. */
import { parseArgs } from 'node:util';
import { integerFromEnv, parseInteger } from '../scripts/stack';

/**
 * The questions the bench answers, in the order it reports them:
 * cost (work per request and cost per 1,000 monthly active users),
 * cpu (handler CPU against Keycloak's sizing, bcrypt, signing, ES256 and HS256),
 * peer (better-auth on this machine beside our handlers: sign-in beyond the hash, session check, token issue),
 * scale (the route scenarios with 1k and with 100k users, the gateway's memory per consumer),
 * cold (bundle sizes and module load times), gateway (the gateway beside a bare proxy and Kong's figure).
 */
export const PARTS = ['cost', 'cpu', 'peer', 'scale', 'cold', 'gateway'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  /** Seconds of load per scenario. */
  duration: number;
  /**
   * Concurrent connections per scenario. serverless-offline runs one worker
   * thread (one cold start) per concurrent request: on two cores, many more
   * than four measure queueing and cold starts rather than the routes.
   */
  connections: number;
  /** bcrypt work factor the handlers and the bcrypt measurement use. */
  bcryptCost: number;
  /** Requests measured per route in-process (cost, cpu and peer parts). */
  samples: number;
  /** Users signed up before the scale part's first and second rounds. */
  users: { small: number; large: number };
  /** Use the stack described by the environment (PROXY_URL, API_URL...) instead of starting one. */
  useRunningStack: boolean;
  parts: Part[];
  /** Where the JSON results go. */
  outDir: string;
  /** Write CPU profiles of the gateway processes and the work child under outDir/profiles. */
  cpuProfile: boolean;
}

/**
 * What one monthly active user does in a month (the default): the
 * cost part prices exactly this, and BROWSER_PROFILE for browser sessions.
 */
export const USAGE_PROFILE = {
  signinsPerMonth: 20,
  /** One refresh every 15 minutes for 2 hours, on 20 days. */
  refreshesPerMonth: (120 / 15) * 20,
  /** Requests to protected routes through Kong (info stands for them). */
  protectedRequestsPerMonth: 500,
} as const;

/**
 * The same user with a browser session (design 003): signs in on the sign-in
 * page, and every request to the profile service passes Kong's forward-auth,
 * which asks the identity provider (session-authenticate) unless its cache
 * (cache_ttl, DECK_SESSION_CACHE_TTL: 5 s in docker-compose.yml) still holds
 * the answer for that session. 1 is the worst case: no request finds it there.
 */
export const BROWSER_PROFILE = {
  loginsPerMonth: USAGE_PROFILE.signinsPerMonth,
  protectedRequestsPerMonth: USAGE_PROFILE.protectedRequestsPerMonth,
  identityProviderCallsPerRequest: 1,
} as const;

/**
 * Public list prices, us-east-1, on-demand, as the cost part uses them.
 * The bench machine has no internet: where a stored copy of the vendor's page
 * was found (read 2026-11-22) its address is given, otherwise the vendor's
 * pricing page the figure comes from. The lead checks them before publishing.
 */
export const PRICES = {
  lambdaArmPerGbSecond: {
    usd: 0.0000133334,
    source: 'aws.amazon.com/lambda/pricing (arm64, first 7.5 billion GB-s; as quoted by https://cloudchipr.com/blog/aws-lambda-pricing)',
  },
  lambdaPerMillionRequests: { usd: 0.2, source: 'aws.amazon.com/lambda/pricing' },
  dynamodbPerMillionWriteUnits: {
    usd: 0.625,
    source: 'aws.amazon.com/dynamodb/pricing/on-demand (after the Nov 2024 cut; as quoted by https://airbyte.com/data-engineering-resources/dynamodb-pricing)',
  },
  dynamodbPerMillionReadUnits: { usd: 0.125, source: 'aws.amazon.com/dynamodb/pricing/on-demand (idem)' },
  dynamodbPerGbMonth: { usd: 0.25, source: 'aws.amazon.com/dynamodb/pricing/on-demand (standard table class)' },
  /** ECC_NIST_P256 Sign is an asymmetric request other than RSA 2048. */
  kmsPer10kAsymmetricRequests: { usd: 0.15, source: 'aws.amazon.com/kms/pricing (asymmetric requests except RSA 2048)' },
  /** Decrypt under a symmetric key (custody kms-envelope: a signing key unwrapped once per container). */
  kmsPer10kSymmetricRequests: { usd: 0.03, source: 'aws.amazon.com/kms/pricing (symmetric requests)' },
  kmsPerKeyMonth: { usd: 1, source: 'aws.amazon.com/kms/pricing' },
  /** Kong's compute: one vCPU of a c7g.large (2 vCPU at $0.0725/h). */
  vcpuHour: { usd: 0.03625, source: 'aws.amazon.com/ec2/pricing/on-demand (c7g.large, $0.0725/h for 2 vCPU)' },
  cognitoLitePerMau: { usd: 0.0055, source: 'aws.amazon.com/cognito/pricing (Lite, 10,001-100,000 MAU; the first 10,000 free)' },
  cognitoEssentialsPerMau: { usd: 0.015, source: 'aws.amazon.com/cognito/pricing (Essentials, beyond the first 10,000 free)' },
  auth0B2cEssentialsPer1000Mau: {
    usd: 70,
    source: 'auth0.com/pricing (B2C Essentials, monthly billing, 1,000 MAU; its entry point is $35 for 500)',
  },
} as const;

/** The functions' configured memory (serverless.yml provider.memorySize): Lambda bills GB-seconds of it. */
export const LAMBDA_MEMORY_MB = 512;

/** Kong's published throughput: about 6,000 authenticated requests per second per vCPU. */
export const KONG_PER_VCPU = 6000;

/** Keycloak's sizing guide: per vCPU, about 15 password logins/s and 120 refresh-token grants/s. */
export const KEYCLOAK = { passwordLoginsPerVcpuSecond: 15, refreshesPerVcpuSecond: 120 } as const;

const USAGE = `Usage: npm run bench -- [options]
  --only LIST        comma-separated subset of: ${PARTS.join(', ')} (default: all)
                       cost     work per request (DynamoDB units, Kong Admin and KMS calls,
                                handler CPU) and the cost per 1,000 monthly active users
                                against Cognito and Auth0
                       cpu      handler CPU against Keycloak's sizing, ES256 against HS256
                                (Admin API calls too), bcrypt, signing cost per token
                       peer     better-auth (email and password, jwt plugin with ES256, bearer plugin,
                                memory adapter) in a process of its own beside our handlers:
                                CPU per sign-in beyond the hash, session check and token issue,
                                and its database statements per request
                       scale    the route scenarios with --users-small, then signin, refresh and
                                info again with --users seeded, and the gateway's memory per consumer
                       cold     bundle sizes (serverless package) and module load times
                       gateway  the local gateway with kong.yml's plugins (ES256 and HS256 tokens), a bare
                                proxy on its libraries and an aws-lambda route, in requests per CPU-second
  --duration S       seconds of load per scenario (default 8)
  --connections N    concurrent connections per scenario (default 4; signin's bcrypt ratio
                     and the info latency pair also run at 1)
  --samples N        requests measured per route in-process, cost, cpu and peer (default 10)
  --users N          users seeded for the scale part's large round (default 100000)
  --users-small N    users seeded for its small round (default 1000)
  --running-stack    use the stack in the environment (PROXY_URL, API_URL, KONG_ADMIN_URL,
                     DYNAMODB_ENDPOINT, USERS_TABLE, TOKENS_TABLE, AWS_ACCESS_KEY_ID and
                     AWS_SECRET_ACCESS_KEY; by default npm start's) instead of starting one
  --out DIR          where to write the JSON results (default bench/results)
  --cpu-prof         write CPU profiles of the gateway processes, of the in-process
                     handlers (cost, cpu) and of the peer into DIR/profiles
Environment: BCRYPT_COST (default 10, the production default), BENCH_* ports (see bench/stack.ts).
The usage profile and the price table are in bench/options.ts.`;

function positiveFlag(name: string, raw: string, integer: boolean): number {
  const value = integer ? parseInteger(raw, { min: 1 }) : Number(raw);
  if (value === undefined || !(value > 0)) {
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"\n${USAGE}`);
  }
  return value;
}

export function parseOptions(argv: string[], env = process.env): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '8' },
      connections: { type: 'string', default: '4' },
      samples: { type: 'string', default: '10' },
      users: { type: 'string', default: '100000' },
      'users-small': { type: 'string', default: '1000' },
      only: { type: 'string' },
      'running-stack': { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench/results' },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const parts = values.only ? values.only.split(',').map((part) => part.trim()) : [...PARTS];
  const unknown = parts.filter((part) => !PARTS.includes(part as Part));
  if (unknown.length) throw new Error(`--only: unknown part(s) ${unknown.join(', ')}\n${USAGE}`);
  const users = { small: positiveFlag('users-small', values['users-small'], true), large: positiveFlag('users', values.users, true) };
  if (users.large < users.small) throw new Error(`--users (${users.large}) must be at least --users-small (${users.small})\n${USAGE}`);
  return {
    duration: positiveFlag('duration', values.duration, false),
    connections: positiveFlag('connections', values.connections, true),
    bcryptCost: integerFromEnv('BCRYPT_COST', 10, { min: 1 }, env),
    samples: positiveFlag('samples', values.samples, true),
    users,
    useRunningStack: values['running-stack'],
    parts: PARTS.filter((part) => parts.includes(part)),
    outDir: values.out,
    cpuProfile: values['cpu-prof'],
  };
}

/**
 * How the deployed functions sign (SIGNING_KEY_CUSTODY, docs/signing-keys.md): `kms-envelope` (the deployed
 * default) asks KMS one Decrypt per new container of a signing function; `kms` one Sign per token.
 */
export const SIGNING_CUSTODY: 'kms' | 'kms-envelope' = process.env.BENCH_SIGNING_CUSTODY === 'kms' ? 'kms' : 'kms-envelope';

/**
 * New containers a signing function starts in an hour, each one Decrypt (kms-envelope): a pessimistic
 * assumption, a new one every 5 minutes around the clock (Lambda keeps an idle one for minutes to hours,
 * and a busier function runs several), never more than it has invocations.
 */
export const CONTAINERS_PER_SIGNING_FUNCTION_PER_HOUR = 12;
