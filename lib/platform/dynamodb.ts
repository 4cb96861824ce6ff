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

/**
 * Consistent reads of a few items of one table (keyed by `id`) in one round
 * trip. Throttled keys come back unprocessed: answering from half the data
 * could miss a revocation, so that is a dependency failure, not a pass.
 */
export async function consistentBatchGet(client: DynamoDBDocumentClient, table: string, keys: Array<{ id: string }>) {
  const { Responses = {}, UnprocessedKeys } = await client.send(
    new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
  );
  if (UnprocessedKeys && Object.keys(UnprocessedKeys).length > 0) {
    throw new DependencyError('dynamodb', new Error('BatchGetItem left keys unprocessed'));
  }
  return new Map((Responses[table] ?? []).map((item) => [item.id as string, item as Record<string, unknown>]));
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

