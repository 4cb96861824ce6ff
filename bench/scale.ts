/**
 * Does it stay fast with many users? The route scenarios with `users.small`
 * users signed up, then signin, refresh and info again with `users.large`,
 * seeded through the stores rather than HTTP: account items with BatchWrite
 * into the users table, consumers and their ES256 credentials through the
 * gateway's Admin API (as signup makes them), whose process's memory is read
 * before and after.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { credentialKey, kidTag, OWNER_TAG } from '../lib/kong/credentials';
import type { BenchOptions } from './options';
import { round, type LoadResult } from './load';
import { benchCoreRoutes } from './routes';
import type { BenchStack } from './stack';

/** DynamoDB's largest batch. */
const BATCH = 25;
/** Batches seeded at once (each makes 25 users' Admin API calls in parallel): enough to keep the gateway and DynamoDB Local busy. */
const BATCHES_IN_FLIGHT = 4;
const SEED_KID = 'bench-seed-key';

export interface ScaleRound {
  users: number;
  signin: LoadResult;
  refresh: LoadResult;
  info: LoadResult;
}

export interface ScaleResult {
  small: ScaleRound;
  large: ScaleRound;
  seeding: { users: number; seconds: number; usersPerSecond: number };
  /** The gateway process's resident memory before and after the large round's consumers; null where it could not be read. */
  gatewayMemory: { rssBeforeBytes: number; rssAfterBytes: number; consumersAdded: number; bytesPerConsumer: number } | null;
  /** Per route, its p50 with users.large over its p50 with users.small (1.2 at most is the target). */
  p50Growth: { signin: number; refresh: number; info: number };
}

/** The process listening on the gateway's Admin API port (ss ships with iproute2). */
async function gatewayRss(adminUrl: string): Promise<number | undefined> {
  try {
    const port = new URL(adminUrl).port;
    const { stdout } = await promisify(execFile)('ss', ['-ltnpH', `sport = :${port}`]);
    const pid = /pid=(\d+)/.exec(stdout)?.[1];
    if (!pid) return undefined;
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kB = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kB ? Number(kB) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function inParallel<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}

async function adminPost(adminUrl: string, path: string, body: unknown): Promise<{ id: string }> {
  const response = await fetch(`${adminUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`seeding: POST ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string };
}

/**
 * `count` active ES256 accounts as signup leaves them: an item in the users
 * table (a real bcrypt hash, the same for all: only its size matters here)
 * and, at the gateway, a consumer with one public-key credential.
 */
async function seedUsers(stack: BenchStack, prefix: string, count: number, passwordHash: string, publicKeyPem: string): Promise<void> {
  const { env } = stack;
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: env.DYNAMODB_ENDPOINT,
      region: env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    }),
  );
  const indexes = Array.from({ length: Math.ceil(count / BATCH) }, (_, batch) => batch);
  await inParallel(indexes, BATCHES_IN_FLIGHT, async (batch) => {
    const users = Array.from({ length: Math.min(BATCH, count - batch * BATCH) }, (_, i) => `${prefix}-${batch * BATCH + i}`);
    const accounts = await Promise.all(
      users.map(async (username) => {
        const issuer = randomBytes(16).toString('base64url');
        const consumer = await adminPost(stack.urls.admin, '/consumers', { username, tags: [OWNER_TAG] });
        await adminPost(stack.urls.admin, `/consumers/${consumer.id}/jwt`, {
          key: credentialKey(issuer, SEED_KID),
          algorithm: 'ES256',
          rsa_public_key: publicKeyPem,
          tags: [OWNER_TAG, kidTag(SEED_KID)],
        });
        const now = Date.now();
        return {
          username,
          accountId: randomUUID(),
          status: 'active',
          passwordHash,
          claimedAt: now,
          createdAt: new Date(now).toISOString(),
          consumerId: consumer.id,
          credentialIssuer: issuer,
          credentialKids: [SEED_KID],
        };
      }),
    );
    let unprocessed: Record<string, unknown[]> | undefined = {
      [env.USERS_TABLE]: accounts.map((Item) => ({ PutRequest: { Item } })),
    };
    while (unprocessed && Object.keys(unprocessed).length) {
      const result = await client.send(new BatchWriteCommand({ RequestItems: unprocessed as never }));
      unprocessed = result.UnprocessedItems as Record<string, unknown[]> | undefined;
    }
  });
  client.destroy();
}

const growth = (large: LoadResult, small: LoadResult) => round(large.latencyMs.p50 / small.latencyMs.p50);

export async function benchScale(
  stack: BenchStack,
  options: BenchOptions,
  progress: (message: string) => void,
  smallScenarios: () => Promise<void>,
): Promise<ScaleResult> {
  const { duration, connections, users } = options;
  const passwordHash = await bcrypt.hash('seeded, never signs in', options.bcryptCost);
  const publicKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const prefix = `seed-${randomBytes(3).toString('hex')}`;

  const started = performance.now();
  await seedUsers(stack, `${prefix}-a`, users.small, passwordHash, publicKeyPem);
  const smallSeconds = (performance.now() - started) / 1000;
  await smallScenarios();
  const small = { users: users.small, ...(await benchCoreRoutes(stack, duration, connections)) };

  const added = users.large - users.small;
  progress(`seeding ${added} more users (DynamoDB BatchWrite, gateway Admin API)`);
  const rssBefore = await gatewayRss(stack.urls.admin);
  const seedStarted = performance.now();
  await seedUsers(stack, `${prefix}-b`, added, passwordHash, publicKeyPem);
  const seconds = smallSeconds + (performance.now() - seedStarted) / 1000;
  const rssAfter = await gatewayRss(stack.urls.admin);

  progress(`signin, refresh and info with ${users.large} users`);
  const large = { users: users.large, ...(await benchCoreRoutes(stack, duration, connections)) };
  return {
    small,
    large,
    seeding: { users: users.large, seconds: round(seconds, 1), usersPerSecond: Math.round(users.large / seconds) },
    gatewayMemory:
      rssBefore === undefined || rssAfter === undefined || added === 0
        ? null
        : {
            rssBeforeBytes: rssBefore,
            rssAfterBytes: rssAfter,
            consumersAdded: added,
            bytesPerConsumer: Math.round((rssAfter - rssBefore) / added),
          },
    p50Growth: { signin: growth(large.signin, small.signin), refresh: growth(large.refresh, small.refresh), info: growth(large.info, small.info) },
  };
}
