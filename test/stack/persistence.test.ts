import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { request, type Stack } from '../../scripts/stack';
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
