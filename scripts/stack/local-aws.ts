/**
 * The credentials DynamoDB Local is reached with, and the AWS settings every
 * part of the stack uses with them.
 *
 * DynamoDB Local listens on every interface (it has no option to listen on
 * loopback only), so anyone on the network can send it requests. It checks
 * no signature, but without -sharedDb it keeps a separate database for each
 * access key id and region: an access key id nobody else knows keeps the
 * stack's tables (password hashes, refresh-token hashes) out of their reach.
 * The key id is the secret; the secret key only satisfies the SDK.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** DynamoDB Local keeps a database per region too: everything local uses this one. */
export const LOCAL_REGION = 'us-east-1';

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The file under a stack's data folder that holds its credentials. */
export const CREDENTIALS_FILE = 'local-aws-credentials.json';

/** 160 random bits in hex: DynamoDB Local accepts only letters and digits in an access key id. */
const randomKey = () => randomBytes(20).toString('hex');

export function randomCredentials(): LocalCredentials {
  return { accessKeyId: randomKey(), secretAccessKey: randomKey() };
}

/**
 * The credentials kept in `dataDir`, made on first use. The folder is made
 * private to its owner: besides this file it holds the database files, which
 * DynamoDB Local writes readable by all.
 */
export async function persistedCredentials(dataDir: string): Promise<LocalCredentials> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  const file = path.join(dataDir, CREDENTIALS_FILE);
  try {
    // 'wx': two stacks starting at once from one checkout must not both write a key.
    await writeFile(file, `${JSON.stringify(randomCredentials(), null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return savedCredentials(dataDir);
}

/** The credentials a stack persisted in `dataDir`; fails, saying how to make them, if there are none. */
export async function savedCredentials(dataDir: string): Promise<LocalCredentials> {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  let saved: Partial<LocalCredentials>;
  try {
    saved = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${file} does not exist: \`npm start\` makes it`);
    }
    throw new Error(`${file} is unreadable: ${(error as Error).message} (delete it to make a new key, and lose the tables)`);
  }
  if (typeof saved.accessKeyId !== 'string' || typeof saved.secretAccessKey !== 'string') {
    throw new Error(`${file} lacks accessKeyId or secretAccessKey (delete it to make a new key, and lose the tables)`);
  }
  return { accessKeyId: saved.accessKeyId, secretAccessKey: saved.secretAccessKey };
}

/** The credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, if both are set. */
export function credentialsFromEnv(env = process.env): LocalCredentials | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

/** The variables the AWS SDK reads, for a process that reaches DynamoDB Local with `credentials`. */
export function localAwsEnv(credentials: LocalCredentials): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  };
}

export function localDynamoClient(endpoint: string, credentials: LocalCredentials): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 },
  });
}

/** A client for the DynamoDB Local at `endpoint`, destroyed (its sockets closed) once `use` settles. */
export async function withLocalDynamo<T>(
  endpoint: string,
  credentials: LocalCredentials,
  use: (client: DynamoDBClient) => Promise<T>,
): Promise<T> {
  const client = localDynamoClient(endpoint, credentials);
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** serverless.yml's stage for the local stack: its params need no deploy settings (VPC, Kong Admin URL). */
export const LOCAL_STAGE = 'local';
