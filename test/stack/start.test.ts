import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { assertPortFree, freePorts, REPO_ROOT, request } from '../../scripts/stack';
import { withDynamo } from '../support/stack';

const READY_TIMEOUT_MS = 60_000;

// What `npm start` runs. Not through tsx's CLI: under load its signal relay
// gives up after 30 ms and SIGKILLs the script, orphaning the components.
const START_COMMAND = 'node --import tsx scripts/start.ts';

/** `npm start` as a user runs it, on free ports so it can run beside the suite's own stack. */
describe('npm start (scripts/start.ts)', () => {
  let ports: Record<string, string>;
  let child: ChildProcess;
  let exited: Promise<[number | null, NodeJS.Signals | null]>;
  let readyLine: string;
  const output: string[] = [];

  beforeAll(async () => {
    const [proxy, admin, api, lambda, dynamodb] = (await freePorts(5)).map(String);
    ports = { KONG_PROXY_PORT: proxy, KONG_ADMIN_PORT: admin, API_PORT: api, LAMBDA_PORT: lambda, DYNAMODB_PORT: dynamodb };
    const [, ...args] = START_COMMAND.split(' ');
    child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...ports, STACK_IN_MEMORY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
    readyLine = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line:\n${output.join('\n')}`)), READY_TIMEOUT_MS);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output.push(line);
        if (line.startsWith('Stack ready')) {
          clearTimeout(timer);
          resolve(line);
        }
      });
      void exited.then(([code]) => reject(new Error(`exited with ${code} before ready:\n${output.join('\n')}`)));
    });
  }, READY_TIMEOUT_MS + 5_000);

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('is what package.json runs', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(scripts.start).toBe(START_COMMAND);
  });

  it('prints one ready line listing every URL', () => {
    expect(readyLine).toContain(`proxy http://127.0.0.1:${ports.KONG_PROXY_PORT}`);
    expect(readyLine).toContain(`admin http://127.0.0.1:${ports.KONG_ADMIN_PORT}`);
    expect(readyLine).toContain(`API http://127.0.0.1:${ports.API_PORT}`);
    expect(readyLine).toContain(`DynamoDB http://127.0.0.1:${ports.DYNAMODB_PORT}`);
  });

  it('runs DynamoDB Local with the tables from serverless.yml', async () => {
    const { TableNames } = await withDynamo(`http://127.0.0.1:${ports.DYNAMODB_PORT}`, (client) =>
      client.send(new ListTablesCommand({})),
    );
    expect(TableNames).toEqual(expect.arrayContaining([process.env.USERS_TABLE, process.env.TOKENS_TABLE]));
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

  it('serves the handlers on the API port', async () => {
    const response = await fetch(`http://127.0.0.1:${ports.API_PORT}/api/public/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'invalid_request', message: expect.any(String) });
  });

  it('stops every component on SIGTERM and exits 0, leaving every port free', async () => {
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    for (const [envVar, port] of Object.entries(ports)) await assertPortFree(Number(port), envVar);
  });
});
