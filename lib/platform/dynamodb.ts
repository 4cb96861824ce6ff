import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from './config';
import { AppError, DependencyError } from './errors';
import { addIamStandIn, statementsFor } from './iam-stand-in';

export { ConditionalCheckFailedException, TransactionCanceledException };
export { deleteScanned } from './dynamodb-sweep';

function createClient(): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    endpoint: config.dynamodbEndpoint,
    maxAttempts: 2,
    // Short timeouts, so an outage answers 503 quickly instead of hanging the Lambda.
    requestHandler: {
      connectionTimeout: config.dynamodbTimeoutMs,
      requestTimeout: config.dynamodbTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });
  // Failed conditions are answers the stores act on, and a request DynamoDB
  // finds invalid is a bug of ours; anything else (network, timeouts,
  // throttling, server errors) means DynamoDB is failing us.
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException) throw error;
        if ((error as Error).name === 'ValidationException') throw error;
        throw new DependencyError('dynamodb', error);
      }
    },
    { step: 'initialize', name: 'dependencyErrors' },
  );
  // Locally only (the local stack sets it): IAM's checks, which DynamoDB Local does not make.
  if (config.iamStandInPolicies) addIamStandIn(client.middlewareStack, statementsFor(config.iamStandInPolicies, __filename));
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

let shared: DynamoDBDocumentClient | undefined;

/** One client per Lambda container, made on first use. */
export const dynamodb = (): DynamoDBDocumentClient => (shared ??= createClient());

/**
 * Why a transaction was cancelled, by the names the caller gave its items
 * (in the order it sent them), so that no code depends on bare positions.
 */
export function cancellationReasons<Name extends string>(error: TransactionCanceledException, names: readonly Name[]) {
  const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
  const byName = Object.fromEntries(names.map((name, i) => [name, codes[i] ?? 'None'])) as Record<Name, string>;
  return {
    failed: (name: Name) => byName[name] === 'ConditionalCheckFailed',
    conflict: codes.includes('TransactionConflict'),
    summary: names.map((name) => `${name}=${byName[name]}`).join(','),
  };
}

export const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

/** A key as DynamoDB takes it: its attribute names and values (`{ id }`, `{ username }`). */
type Key = Record<string, string>;
type Item = Record<string, unknown>;

interface PendingRead {
  table: string;
  key: Key;
  resolve: (item: Item | undefined) => void;
  reject: (error: unknown) => void;
}

/** BatchGetItem's limit of keys per request. */
const BATCH_GET_LIMIT = 100;

/** The reads each client has been asked for in this turn of the event loop, sent together at its end. */
const pendingReads = new WeakMap<DynamoDBDocumentClient, PendingRead[]>();

const keyString = (key: Key, names = Object.keys(key)) => JSON.stringify(names.map((name) => [name, key[name]]));

/**
 * One consistent read of one item, sent with every other read asked of the
 * same client in the same turn of the event loop (stores that each read an
 * item, side by side: info's account and session, sign-in's second factors)
 * as one BatchGetItem across their tables. Each SDK call costs a warm
 * function about as much CPU as everything else it does (issue 27:
 * middleware, SigV4, serialising, a socket write), so reads a request makes
 * side by side cost one call, not one each. Consistent like GetItem's
 * `ConsistentRead`, so no revocation is read stale; a key left unprocessed
 * (throttling) fails every read of the batch, never answers from half of it.
 * A function reading a table this way needs dynamodb:BatchGetItem on it
 * (scripts/serverless/grants.js: every read grant has it).
 */
export function consistentGet(client: DynamoDBDocumentClient, table: string, key: Key): Promise<Item | undefined> {
  return new Promise((resolve, reject) => {
    let pending = pendingReads.get(client);
    if (!pending) {
      pendingReads.set(client, (pending = []));
      // After the microtasks of this turn: a store that awaits something already settled before it reads still joins.
      setImmediate(() => {
        pendingReads.delete(client);
        sendReads(client, pending!);
      });
    }
    pending.push({ table, key, resolve, reject });
  });
}

function sendReads(client: DynamoDBDocumentClient, reads: PendingRead[]): void {
  // The same item asked for twice is one key: BatchGetItem refuses duplicates.
  const byKey = new Map<string, PendingRead[]>();
  for (const read of reads) {
    const id = `${read.table}\n${keyString(read.key)}`;
    byKey.set(id, [...(byKey.get(id) ?? []), read]);
  }
  const groups = [...byKey.entries()];
  for (let i = 0; i < groups.length; i += BATCH_GET_LIMIT) void sendBatch(client, groups.slice(i, i + BATCH_GET_LIMIT));
}

async function sendBatch(client: DynamoDBDocumentClient, groups: Array<[string, PendingRead[]]>): Promise<void> {
  const settle = (answer: (read: PendingRead, id: string) => void) => groups.forEach(([id, same]) => same.forEach((read) => answer(read, id)));
  try {
    if (groups.length === 1) {
      // One read alone is a GetItem: the same request a store made before.
      const { table, key } = groups[0][1][0];
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
      return settle((read) => read.resolve(Item));
    }
    const RequestItems: Record<string, { Keys: Key[]; ConsistentRead: true }> = {};
    for (const [, [{ table, key }]] of groups) (RequestItems[table] ??= { Keys: [], ConsistentRead: true }).Keys.push(key);
    const { Responses = {}, UnprocessedKeys } = await client.send(new BatchGetCommand({ RequestItems }));
    if (UnprocessedKeys && Object.keys(UnprocessedKeys).length > 0) {
      const error = new DependencyError('dynamodb', new Error('BatchGetItem left keys unprocessed'));
      return settle((read) => read.reject(error));
    }
    const found = new Map<string, Item>();
    for (const [, [{ table, key }]] of groups) {
      const names = Object.keys(key);
      for (const item of Responses[table] ?? []) found.set(`${table}\n${keyString(item as Key, names)}`, item);
    }
    settle((read, id) => read.resolve(found.get(id)));
  } catch (error) {
    settle((read) => read.reject(error));
  }
}

/**
 * Consistent reads of a few items of one table (keyed by `id`) in one round
 * trip (with any other consistentGet of the same turn). Throttled keys come
 * back unprocessed: answering from half the data could miss a revocation, so
 * that is a dependency failure, not a pass.
 */
export async function consistentBatchGet(client: DynamoDBDocumentClient, table: string, keys: Array<{ id: string }>) {
  const items = await Promise.all(keys.map((key) => consistentGet(client, table, key)));
  return new Map(items.flatMap((item, i) => (item === undefined ? [] : [[keys[i].id, item] as const])));
}

/**
 * A cheap read of `table` (an eventually consistent GetItem of `key`, which
 * need not exist): resolves if DynamoDB answers, throws DependencyError if
 * not. `signal` abandons it, retries included.
 */
export async function probeTable(client: DynamoDBDocumentClient, table: string, key: Record<string, string>, signal?: AbortSignal): Promise<void> {
  await client.send(new GetCommand({ TableName: table, Key: key }), { abortSignal: signal });
}

/** A Scan or Query position as an opaque cursor for clients (base64url JSON of the key: names, never secrets). */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

/** The key a cursor holds; anything that is not one of ours is a 400. */
export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key) && Object.values(key).every((v) => typeof v === 'string')) return key as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AppError('invalid_request', 'cursor is not one this service gave');
}

