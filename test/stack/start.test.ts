import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { GetItemCommand, ListTablesCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import {
  assertPortFree,
  randomCredentials,
  REPO_ROOT,
  request,
  savedCredentials,
  withLocalDynamo,
  type LocalCredentials,
} from '../../scripts/stack';
import { uniqueName } from '../support/clients';
import { descendants, runStart, START_COMMAND, survivors, type ProcessInfo, type StartedStack } from '../support/start-command';

const START_TIMEOUT_MS = 65_000;

/** The key DynamoDB Local was reached with when the stack ran it with -sharedDb. */
const OLD_FIXED_KEY: LocalCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** `npm start` as a user runs it, on free ports so it can run beside the suite's own stack. */
describe('npm start (scripts/start.ts)', () => {
  let started: StartedStack;
  let ports: Record<string, string>;
  let dynamodb: string;
  let key: LocalCredentials;

  beforeAll(async () => {
    started = await runStart();
    ports = started.ports;
    dynamodb = `http://127.0.0.1:${ports.DYNAMODB_PORT}`;
    key = await savedCredentials(started.dataDir);
  }, START_TIMEOUT_MS);

  afterAll(() => started?.cleanUp());

  it('is what package.json runs', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    // exec: npm then relays SIGINT and SIGTERM to start.ts itself, not to a shell that would die alone.
    expect(scripts.start).toBe(`exec ${START_COMMAND}`);
  });

  it('prints one ready line listing every URL', () => {
    expect(started.readyLine).toContain(`proxy http://127.0.0.1:${ports.KONG_PROXY_PORT}`);
    expect(started.readyLine).toContain(`admin http://127.0.0.1:${ports.KONG_ADMIN_PORT}`);
    // serverless-offline's HTTP port is not open (API_HTTP=1 opens it): nothing to list.
    expect(started.readyLine).not.toContain(`API http://127.0.0.1:${ports.API_PORT}`);
    expect(started.readyLine).toContain(`DynamoDB http://127.0.0.1:${ports.DYNAMODB_PORT}`);
    expect(started.readyLine).toContain(`Mail http://127.0.0.1:${ports.MAILDEV_WEB_PORT} (SMTP 127.0.0.1:${ports.MAILDEV_SMTP_PORT})`);
  });

  it('makes a local operator whose key, kept in the data folder for its owner only, opens the admin API', async () => {
    const keyFile = path.join(started.dataDir, 'operator-key');
    expect(started.readyLine).toContain(`Operator key ${keyFile}`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, 'utf8').trim();
    const proxy = `http://127.0.0.1:${ports.KONG_PROXY_PORT}`;
    const clients = await request(`${proxy}/api/admin/clients`, { headers: { apikey: key } });
    expect(clients).toMatchObject({ status: 200, body: { clients: expect.any(Array) } });
    const admin = `http://127.0.0.1:${ports.KONG_ADMIN_PORT}`;
    const acls = await request(`${admin}/consumers/local-operator/acls`);
    expect(acls.body.data.map((acl: { group: string }) => acl.group)).toEqual(['auth-admins']);
    expect((await request(`${proxy}/api/admin/clients`, { headers: { apikey: `${key}x` } })).status).toBe(401);
  });

  it('runs maildev on loopback: its REST API lists the mails the functions send', async () => {
    const response = await fetch(`http://127.0.0.1:${ports.MAILDEV_WEB_PORT}/api/email`);
    expect(response.status).toBe(200);
    expect(Array.isArray(await response.json())).toBe(true);
  });

  it('keeps a key of its own for DynamoDB Local, readable by its owner only', () => {
    const mode = (file: string) => statSync(path.join(started.dataDir, file)).mode & 0o777;
    expect(mode('local-aws-credentials.json')).toBe(0o600);
    expect(mode('.')).toBe(0o700);
    expect(key.accessKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(key.accessKeyId).not.toBe(OLD_FIXED_KEY.accessKeyId);
  });

  it('runs DynamoDB Local with the tables from serverless.yml, for its key', async () => {
    const { TableNames } = await withLocalDynamo(dynamodb, key, (client) => client.send(new ListTablesCommand({})));
    expect(TableNames).toEqual(expect.arrayContaining([process.env.USERS_TABLE, process.env.TOKENS_TABLE]));
  });

  it('stores what the handlers write where only its key reaches', async () => {
    const username = uniqueName('key');
    const signup = await request(`http://127.0.0.1:${ports.KONG_PROXY_PORT}/api/public/signup`, {
      body: { username, password: 'a long enough password' },
    });
    expect(signup.status).toBe(201);
    const getUser = new GetItemCommand({ TableName: process.env.USERS_TABLE, Key: { username: { S: username } } });

    const { Item } = await withLocalDynamo(dynamodb, key, (client) => client.send(getUser));
    expect(Item?.passwordHash).toBeDefined();

    // DynamoDB Local answers anyone on the network: with any other key (the
    // one it used to share, or a guess) there is nothing to read.
    for (const other of [OLD_FIXED_KEY, randomCredentials()]) {
      const listed = await withLocalDynamo(dynamodb, other, (client) => client.send(new ListTablesCommand({})));
      expect(listed.TableNames).toEqual([]);
      await expect(withLocalDynamo(dynamodb, other, (client) => client.send(getUser))).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
    }
  });

  it("answers on the gateway's proxy with Kong's 401 for a protected route without a token", async () => {
    const response = await request(`http://127.0.0.1:${ports.KONG_PROXY_PORT}/api/jwt/info`);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
  });

  it("answers on the gateway's Admin API with Kong's 404", async () => {
    const response = await request(`http://127.0.0.1:${ports.KONG_ADMIN_PORT}/consumers/nobody`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: 'Not found' });
  });

  it("opens no HTTP port for the functions: the gateway reaches them on the Lambda Invoke port only", async () => {
    await expect(fetch(`http://127.0.0.1:${ports.API_PORT}/api/public/health`)).rejects.toThrow();
    const signin = await request(`http://127.0.0.1:${ports.KONG_PROXY_PORT}/api/public/signin`, { body: { username: 'nobody-here', password: 'not the password at all' } });
    expect(signin.status).toBe(401);
  });

  it('stops every component on SIGTERM and exits 0, leaving no process behind and every port free', async () => {
    const running: ProcessInfo[] = await descendants(started.child.pid!);
    expect(running.map((process) => process.args)).toEqual(expect.arrayContaining([expect.stringContaining('DynamoDBLocal.jar')]));

    started.child.kill('SIGTERM');
    const [code] = await started.exited;
    expect(code).toBe(0);
    expect(await survivors(running)).toEqual([]);
    for (const [envVar, port] of Object.entries(ports)) await assertPortFree(Number(port), envVar);
  });
});
