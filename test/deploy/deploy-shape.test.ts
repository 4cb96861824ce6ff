/**
 * The local osls plugin: rotateKeys runs once as a deploy ends, so a new stage
 * has its first signing key at once; and packaging refuses the variables that
 * mark a local run. AWS is a stand-in here: an HTTP server answering Lambda
 * Invoke as AWS does, which the plugin reaches with AWS SDK v3 and the
 * configuration osls hands plugins (provider.getAwsSdkV3Config()).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

// The plugin is CommonJS, loaded as osls loads it.
const DeployShape = require(path.join(__dirname, '..', '..', 'scripts', 'serverless', 'deploy-shape.js'));

interface Invoke {
  path: string;
  payload: string;
}
interface Answer {
  status?: number;
  functionError?: string;
  payload: string;
}

let server: Server;
let endpoint: string;
let answer: (call: Invoke) => Answer;
const calls: Invoke[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const call = { path: request.url ?? '', payload: Buffer.concat(chunks).toString() };
      calls.push(call);
      const { status = 200, functionError, payload } = answer(call);
      response.writeHead(status, {
        'Content-Type': 'application/json',
        ...(functionError ? { 'X-Amz-Function-Error': functionError } : {}),
        ...(status >= 400 ? { 'X-Amzn-ErrorType': 'AccessDeniedException' } : {}),
      });
      response.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  calls.length = 0;
});

/** A serverless instance as the plugin sees it, whose AWS is the stand-in above. */
function pluginFor(service: { functions?: Record<string, { environment?: Record<string, string> }>; provider?: { environment?: Record<string, string> } } = {}) {
  const logged: { notice: string[]; warning: string[] } = { notice: [], warning: [] };
  const serverless = {
    configSchemaHandler: { schema: { definitions: { awsLambdaRuntime: { enum: ['nodejs20.x'] } } } },
    service: { functions: {}, ...service, getFunction: (key: string) => ({ name: `kong-lambda-auth-prod-${key}` }) },
    getProvider: () => ({
      getAwsSdkV3Config: async () => ({
        region: 'eu-west-1',
        endpoint,
        credentials: { accessKeyId: 'stand-in', secretAccessKey: 'stand-in' },
        maxAttempts: 1,
      }),
    }),
  };
  const log = { notice: (text: string) => logged.notice.push(text), warning: (text: string) => logged.warning.push(text) };
  const plugin = new DeployShape(serverless, {}, { log });
  return { plugin, logged, deploy: () => plugin.hooks['after:deploy:deploy']() as Promise<void> };
}

it('invokes the stage\'s rotateKeys once as the deploy ends', async () => {
  answer = () => ({ payload: '{"changes":["created"]}' });
  const { deploy, logged } = pluginFor();
  await deploy();
  expect(calls).toEqual([{ path: '/2015-03-31/functions/kong-lambda-auth-prod-rotateKeys/invocations', payload: '{}' }]);
  expect(logged).toEqual({ notice: ['kong-lambda-auth-prod-rotateKeys ran: the stage has its signing key'], warning: [] });
});

it('a rotateKeys that fails or cannot be invoked is a warning that says what to do, not a failed deploy', async () => {
  answer = () => ({ functionError: 'Unhandled', payload: '{"errorMessage":"KMS throttled"}' });
  const failing = pluginFor();
  await failing.deploy();
  answer = () => ({ status: 403, payload: '{"message":"not allowed"}' });
  const refused = pluginFor();
  await refused.deploy();
  for (const { logged } of [failing, refused]) {
    expect(logged.notice).toEqual([]);
    expect(logged.warning).toEqual([expect.stringContaining('npx serverless invoke -f rotateKeys')]);
  }
  expect(failing.logged.warning[0]).toContain('Unhandled: {"errorMessage":"KMS throttled"}');
  expect(refused.logged.warning[0]).toContain('not allowed');
});

it('refuses to package a function whose environment marks a local run (IS_OFFLINE, IS_LOCAL)', () => {
  const packageWith = (service: Parameters<typeof pluginFor>[0]) => () => pluginFor(service).plugin.hooks['before:package:initialize']();
  expect(packageWith({ provider: { environment: { IS_LOCAL: 'true' } } })).toThrow('provider sets IS_LOCAL');
  expect(packageWith({ functions: { signin: { environment: { IS_OFFLINE: '' } } } })).toThrow('function signin sets IS_OFFLINE');
  expect(packageWith({ provider: { environment: { LOG_LEVEL: 'info' } }, functions: { signin: {} } })).not.toThrow();
});
