import { accessesOf, refused, statementsFor, type StandInStatement } from '../../../lib/platform/iam-stand-in';

const tokens: StandInStatement[] = [
  { effect: 'Allow', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], table: 'tokens' },
  { effect: 'Allow', actions: ['dynamodb:Query'], table: 'tokens', index: 'sessions-by-owner' },
  { effect: 'Deny', actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], table: 'tokens', leadingKey: 'keyring' },
];

it('allows what a statement grants on the table, and nothing on another table', () => {
  expect(refused(tokens, accessesOf('GetItemCommand', { TableName: 'tokens', Key: { id: 'session#1' } }))).toBeUndefined();
  expect(refused(tokens, accessesOf('GetItemCommand', { TableName: 'users', Key: { username: 'alice' } }))).toMatchObject({ action: 'dynamodb:GetItem', table: 'users' });
  expect(refused(tokens, accessesOf('DeleteItemCommand', { TableName: 'tokens', Key: { id: 'session#1' } }))).toMatchObject({ action: 'dynamodb:DeleteItem' });
});

it('lets an explicit deny on the keyring item beat the allow on its table, marshalled or not', () => {
  expect(refused(tokens, accessesOf('PutItemCommand', { TableName: 'tokens', Item: { id: 'keyring', keys: [] } }))).toMatchObject({ key: 'keyring' });
  expect(refused(tokens, accessesOf('UpdateItemCommand', { TableName: 'tokens', Key: { id: { S: 'keyring' } } }))).toMatchObject({ key: 'keyring' });
  expect(refused(tokens, accessesOf('GetItemCommand', { TableName: 'tokens', Key: { id: 'keyring' } }))).toBeUndefined();
});

it('checks a transaction item by item, as its own actions', () => {
  const transaction = {
    TransactItems: [
      { Put: { TableName: 'tokens', Item: { id: 'session#2' } } },
      { ConditionCheck: { TableName: 'tokens', Key: { id: 'session#1' } } },
    ],
  };
  expect(accessesOf('TransactWriteItemsCommand', transaction).map((a) => a.action)).toEqual(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem']);
  expect(refused(tokens, accessesOf('TransactWriteItemsCommand', transaction))).toMatchObject({ action: 'dynamodb:ConditionCheckItem' });
});

it('grants a query on the index only, never on the table', () => {
  expect(refused(tokens, accessesOf('QueryCommand', { TableName: 'tokens', IndexName: 'sessions-by-owner' }))).toBeUndefined();
  expect(refused(tokens, accessesOf('QueryCommand', { TableName: 'tokens' }))).toMatchObject({ action: 'dynamodb:Query' });
});

it('limits a keyring-only statement to the keyring item', () => {
  const keyring: StandInStatement[] = [{ effect: 'Allow', actions: ['dynamodb:GetItem'], table: 'tokens', leadingKey: 'keyring' }];
  expect(refused(keyring, accessesOf('GetItemCommand', { TableName: 'tokens', Key: { id: 'keyring' } }))).toBeUndefined();
  expect(refused(keyring, accessesOf('GetItemCommand', { TableName: 'tokens', Key: { id: 'session#1' } }))).toBeDefined();
  const batch = accessesOf('BatchGetItemCommand', { RequestItems: { tokens: { Keys: [{ id: 'keyring' }, { id: 'x' }] } } });
  // A batch read is its own action, checked for every key it names.
  expect(refused(keyring, batch)).toMatchObject({ action: 'dynamodb:BatchGetItem', key: 'keyring' });
  expect(refused([{ ...keyring[0], actions: ['dynamodb:BatchGetItem'] }], batch)).toMatchObject({ key: 'x' });
});

it("finds the bundle's own statements by its handler file, and none for a bundle it does not name", () => {
  const policies = JSON.stringify({ 'functions/public/jwks': tokens, 'functions/public/signin': [] });
  expect(statementsFor(policies, '/repo/.esbuild/api-4000/.build/functions/public/jwks.js')).toEqual(tokens);
  expect(statementsFor(policies, '/repo/.build/functions/public/openapi.js')).toEqual([]);
});
