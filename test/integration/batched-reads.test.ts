import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { consistentBatchGet, consistentGet, dynamodb } from '../../lib/platform/dynamodb';

// consistentGet (lib/platform/dynamodb.ts) against DynamoDB Local, through the service's own client: reads
// asked in one turn go as one call across tables, each answered with its own item.
const users = process.env.USERS_TABLE!;
const tokens = process.env.TOKENS_TABLE!;

/** The DynamoDB operations the client sends while `run` runs. */
async function operationsOf<T>(run: () => Promise<T>): Promise<{ result: T; operations: string[] }> {
  const operations: string[] = [];
  const name = `record-${randomUUID()}`;
  const client = dynamodb();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      operations.push(context.commandName ?? '');
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    return { result: await run(), operations };
  } finally {
    client.middlewareStack.remove(name);
  }
}

it('answers reads of two tables asked side by side with one BatchGetItem, each with its own item or nothing', async () => {
  const username = `batch-${randomUUID().slice(0, 8)}`;
  const id = `test#${randomUUID()}`;
  await dynamodb().send(new PutCommand({ TableName: users, Item: { username, status: 'active' } }));
  await dynamodb().send(new PutCommand({ TableName: tokens, Item: { id, value: 7 } }));

  const { result, operations } = await operationsOf(() =>
    Promise.all([
      consistentGet(dynamodb(), users, { username }),
      consistentGet(dynamodb(), tokens, { id }),
      consistentGet(dynamodb(), tokens, { id: `test#${randomUUID()}` }),
      // The same item twice is one key (BatchGetItem refuses duplicates), answered to both.
      consistentGet(dynamodb(), tokens, { id }),
    ]),
  );
  expect(operations).toEqual(['BatchGetItemCommand']);
  expect(result).toEqual([{ username, status: 'active' }, { id, value: 7 }, undefined, { id, value: 7 }]);
});

it('sends a read alone as a GetItem, and reads of later turns apart', async () => {
  const id = `test#${randomUUID()}`;
  await dynamodb().send(new PutCommand({ TableName: tokens, Item: { id } }));
  const { result, operations } = await operationsOf(async () => {
    const first = await consistentGet(dynamodb(), tokens, { id });
    const second = await consistentBatchGet(dynamodb(), tokens, [{ id }, { id: `test#${randomUUID()}` }]);
    return [first, [...second.keys()]];
  });
  expect(operations).toEqual(['GetItemCommand', 'BatchGetItemCommand']);
  expect(result).toEqual([{ id }, [id]]);
});

it('fails every read of a batch DynamoDB refuses', async () => {
  const reads = Promise.allSettled([consistentGet(dynamodb(), users, { username: 'x' }), consistentGet(dynamodb(), 'no-such-table', { id: 'x' })]);
  const settled = await reads;
  expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
});
