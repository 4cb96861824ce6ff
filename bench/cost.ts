/**
 * What 1,000 monthly active users cost a month on AWS, from the work each
 * route was measured to do (work.ts) and the gateway's measured requests per
 * CPU-second, at the list prices in options.ts, beside Cognito's and Auth0's
 * price for the same users.
 */
import { BROWSER_PROFILE, CONTAINERS_PER_SIGNING_FUNCTION_PER_HOUR, KONG_PER_VCPU, LAMBDA_MEMORY_MB, PRICES, SIGNING_CUSTODY, USAGE_PROFILE } from './options';
import { round } from './load';
import type { RouteWork, WorkReply } from './work';

/** A Lambda function gets one full vCPU at 1,769 MB and a share in proportion below it (AWS Lambda's documentation). */
const FULL_VCPU_MB = 1769;
const MAU = 1000;

export interface CostLine {
  item: string;
  /** Per month, for 1,000 monthly active users. */
  usd: number;
  basis: string;
  /** What issue 27 changed in this line, and why (the report prints it beside the figure). */
  changed: string;
}

/** Issue 27, line by line: what changed in each line of the cost table, and why. */
export const CHANGES: Record<string, string> = {
  'Lambda requests': 'unchanged: the usage profiles are the issue\'s, and each call is still one invocation',
  'Lambda duration (arm64)':
    'less CPU per call: refresh reads its session and epoch in one BatchGetItem and writes once instead of a 4-item transaction; tokens signed with node:crypto and verified with jose (no jsonwebtoken); an identity token reused per session in a container',
  'DynamoDB reads': 'refresh reads the session item (carrying its refresh chain) and the epoch in one consistent BatchGetItem, no refresh-token item',
  'DynamoDB writes':
    'refresh is one conditional UpdateItem on the session item (1 unit, was a 4-item transaction: 8); signin one PutItem of the session carrying its first token (was a 3-item transaction: 6)',
  KMS: 'custody kms-envelope (the deployed default): one symmetric Decrypt per new container instead of an ECC Sign per token; SIGNING_CUSTODY=kms keeps a Sign per token (docs/signing-keys.md)',
  'Kong compute': 'unchanged: the same requests through Kong at the measured (or published) rate',
};

export interface CostResult {
  profile: typeof USAGE_PROFILE;
  lines: CostLine[];
  totalUsd: number;
  /** The same with a function call per protected request (info's revocation check) besides Kong's. */
  totalWithInfoPerProtectedRequestUsd: number;
  /** Fixed whatever the number of users: the signing keys in KMS. */
  fixedMonthlyUsd: number;
  comparison: { cognitoLiteUsd: number; cognitoEssentialsUsd: number; auth0B2cEssentialsUsd: number };
  /** Our total over Cognito Lite's price. */
  fractionOfCognitoLite: number;
  /** The same users with browser sessions (BROWSER_PROFILE), when the session routes were measured. */
  browser?: { profile: typeof BROWSER_PROFILE; lines: CostLine[]; totalUsd: number; fractionOfCognitoLite: number };
  /** Where the gateway's requests per CPU-second came from. */
  gatewayBasis: string;
  prices: typeof PRICES;
  lambdaMemoryMb: number;
}

/**
 * Lambda bills the duration at its memory size, where a 512 MB function has
 * 29% of a vCPU: the CPU measured on a full core is stretched by that share,
 * the time spent waiting for DynamoDB and Kong is not.
 */
export function billedMs(work: RouteWork): number {
  const cpuShare = Math.min(1, LAMBDA_MEMORY_MB / FULL_VCPU_MB);
  return Math.ceil(work.cpuMs / cpuShare + Math.max(0, work.wallMs - work.cpuMs));
}

/**
 * The functions each user's month invokes. Protected requests are Kong's
 * alone: its jwt plugin verifies the token and the application's own API
 * answers (not part of an auth service's bill, as it is not of Cognito's);
 * `withInfo` adds a function call per protected request, as /api/jwt/info
 * does to see that the session is still live.
 */
function invocations(withInfo: boolean): [string, number][] {
  return [
    ['signin', USAGE_PROFILE.signinsPerMonth],
    ['refresh', USAGE_PROFILE.refreshesPerMonth],
    ...(withInfo ? [['info', USAGE_PROFILE.protectedRequestsPerMonth] as [string, number]] : []),
  ];
}

/** Browser sessions: the sign-in page's login, and the identity provider forward-auth asks. */
function browserInvocations(): [string, number][] {
  return [
    ['session-login', BROWSER_PROFILE.loginsPerMonth],
    ['session-authenticate', BROWSER_PROFILE.protectedRequestsPerMonth * BROWSER_PROFILE.identityProviderCallsPerRequest],
  ];
}

const THROUGH_KONG = USAGE_PROFILE.signinsPerMonth + USAGE_PROFILE.refreshesPerMonth + USAGE_PROFILE.protectedRequestsPerMonth;
const BROWSER_THROUGH_KONG = BROWSER_PROFILE.loginsPerMonth + BROWSER_PROFILE.protectedRequestsPerMonth;

export function costPerThousandUsers(work: WorkReply, gatewayRequestsPerCpuSecond?: number): CostResult {
  const core = costLines(work, invocations(false), THROUGH_KONG, gatewayRequestsPerCpuSecond);
  const withInfo = costLines(work, invocations(true), THROUGH_KONG, gatewayRequestsPerCpuSecond);
  const total = (lines: CostLine[]) => round(lines.reduce((sum, line) => sum + line.usd, 0), 4);
  const totalUsd = total(core);
  const browserMeasured = browserInvocations().every(([route]) => work.routes[route]);
  const browserLines = browserMeasured ? costLines(work, browserInvocations(), BROWSER_THROUGH_KONG, gatewayRequestsPerCpuSecond) : undefined;
  const comparison = {
    cognitoLiteUsd: round(MAU * PRICES.cognitoLitePerMau.usd),
    cognitoEssentialsUsd: round(MAU * PRICES.cognitoEssentialsPerMau.usd),
    auth0B2cEssentialsUsd: PRICES.auth0B2cEssentialsPer1000Mau.usd,
  };
  return {
    profile: USAGE_PROFILE,
    lines: core,
    totalUsd,
    totalWithInfoPerProtectedRequestUsd: total(withInfo),
    // The current key and, for a rotation's overlap, its successor (kms-envelope: their wrapping keys, the same fee).
    fixedMonthlyUsd: 2 * PRICES.kmsPerKeyMonth.usd,
    comparison,
    fractionOfCognitoLite: round(totalUsd / comparison.cognitoLiteUsd, 4),
    browser: browserLines && {
      profile: BROWSER_PROFILE,
      lines: browserLines,
      totalUsd: total(browserLines),
      fractionOfCognitoLite: round(total(browserLines) / comparison.cognitoLiteUsd, 4),
    },
    gatewayBasis:
      gatewayRequestsPerCpuSecond === undefined
        ? `Kong's published ${KONG_PER_VCPU} per vCPU (the gateway part did not run)`
        : 'the local gateway, measured in this run (jwt route)',
    prices: PRICES,
    lambdaMemoryMb: LAMBDA_MEMORY_MB,
  };
}

function costLines(work: WorkReply, calls: [string, number][], requestsThroughKong: number, gatewayRequestsPerCpuSecond?: number): CostLine[] {
  const { routes } = work;
  const monthly = (perCall: (route: RouteWork) => number) =>
    calls.reduce((sum, [route, count]) => sum + perCall(routes[route]) * count * MAU, 0);
  const billed = calls.map(([route]) => `${route} ${billedMs(routes[route])} ms`).join(', ');
  const throughKong = requestsThroughKong * MAU;

  const invoked = monthly(() => 1);
  const gbSeconds = monthly((r) => billedMs(r) / 1000) * (LAMBDA_MEMORY_MB / 1024);
  const readUnits = monthly((r) => r.readUnits);
  const writeUnits = monthly((r) => r.writeUnits);
  const signatures = monthly((r) => r.signatures);
  // kms-envelope: a Decrypt per new container of each function that signs, never more than it has calls.
  const signingCalls = calls.filter(([route]) => routes[route].signatures > 0).map(([, count]) => count * MAU);
  const decrypts = signingCalls.reduce((sum, count) => sum + Math.min(count, CONTAINERS_PER_SIGNING_FUNCTION_PER_HOUR * 24 * 30), 0);
  const kms =
    SIGNING_CUSTODY === 'kms'
      ? { usd: (signatures / 1e4) * PRICES.kmsPer10kAsymmetricRequests.usd, basis: `${signatures} ECC Sign requests (custody kms: one per token issued)` }
      : {
          usd: (decrypts / 1e4) * PRICES.kmsPer10kSymmetricRequests.usd,
          basis:
            `${round(decrypts)} Decrypt requests (custody kms-envelope: one per new container of the ${signingCalls.length} signing function(s), ` +
            `${CONTAINERS_PER_SIGNING_FUNCTION_PER_HOUR} an hour each, pessimistically); ${signatures} signatures made in memory`,
        };
  const perCpuSecond = gatewayRequestsPerCpuSecond ?? KONG_PER_VCPU;
  const gatewayCpuSeconds = throughKong / perCpuSecond;

  return [
    {
      item: 'Lambda requests',
      usd: (invoked / 1e6) * PRICES.lambdaPerMillionRequests.usd,
      basis: `${invoked} invocations`,
    },
    {
      item: 'Lambda duration (arm64)',
      usd: gbSeconds * PRICES.lambdaArmPerGbSecond.usd,
      basis: `${round(gbSeconds, 1)} GB-s at ${LAMBDA_MEMORY_MB} MB (billed: ${billed})`,
    },
    {
      item: 'DynamoDB reads',
      usd: (readUnits / 1e6) * PRICES.dynamodbPerMillionReadUnits.usd,
      basis: `${round(readUnits)} read units`,
    },
    {
      item: 'DynamoDB writes',
      usd: (writeUnits / 1e6) * PRICES.dynamodbPerMillionWriteUnits.usd,
      basis: `${round(writeUnits)} write units`,
    },
    { item: 'KMS', ...kms },
    {
      item: 'Kong compute',
      usd: (gatewayCpuSeconds / 3600) * PRICES.vcpuHour.usd,
      basis: `${throughKong} requests at ${perCpuSecond} per CPU-second`,
    },
  ].map((line) => ({ ...line, usd: round(line.usd, 4), changed: CHANGES[line.item] ?? '' }));
}
