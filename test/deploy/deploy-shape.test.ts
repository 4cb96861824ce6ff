/**
 * The local serverless plugin's deploy step: rotateKeys runs once as a deploy
 * ends, so a new stage has its first signing key at once. AWS is a stand-in
 * here: a provider whose `request` answers Lambda Invoke as the SDK does.
 */
import path from 'node:path';

// The plugin is CommonJS, loaded as serverless loads it.
const DeployShape = require(path.join(__dirname, '..', '..', 'scripts', 'serverless', 'deploy-shape.js'));

interface Invoke {
  service: string;
  method: string;
  params: { FunctionName: string; Payload: string };
}

/** A serverless instance as the plugin sees it, with a Lambda Invoke stand-in answering `answer`. */
function deployWith(answer: (call: Invoke) => Promise<Record<string, unknown>>) {
  const calls: Invoke[] = [];
  const logged: { notice: string[]; warning: string[] } = { notice: [], warning: [] };
  const serverless = {
    configSchemaHandler: { schema: { definitions: { awsLambdaRuntime: { enum: ['nodejs20.x'] } } } },
    service: { functions: {}, getFunction: (key: string) => ({ name: `kong-lambda-auth-prod-${key}` }) },
    getProvider: () => ({
      request: (service: string, method: string, params: Invoke['params']) => {
        calls.push({ service, method, params });
        return answer({ service, method, params });
      },
    }),
  };
  const log = { notice: (text: string) => logged.notice.push(text), warning: (text: string) => logged.warning.push(text) };
  const plugin = new DeployShape(serverless, {}, { log });
  return { run: () => plugin.hooks['after:deploy:deploy']() as Promise<void>, calls, logged };
}

it('invokes the stage\'s rotateKeys once as the deploy ends', async () => {
  const deploy = deployWith(async () => ({ StatusCode: 200, Payload: Buffer.from('{"changes":["created"]}') }));
  await deploy.run();
  expect(deploy.calls).toEqual([{ service: 'Lambda', method: 'invoke', params: { FunctionName: 'kong-lambda-auth-prod-rotateKeys', Payload: '{}' } }]);
  expect(deploy.logged).toEqual({ notice: ['kong-lambda-auth-prod-rotateKeys ran: the stage has its signing key'], warning: [] });
});

it('a rotateKeys that fails or cannot be invoked is a warning that says what to do, not a failed deploy', async () => {
  const failing = deployWith(async () => ({ StatusCode: 200, FunctionError: 'Unhandled', Payload: Buffer.from('{"errorMessage":"KMS throttled"}') }));
  await failing.run();
  const refused = deployWith(async () => {
    throw new Error('AccessDeniedException');
  });
  await refused.run();
  for (const { logged } of [failing, refused]) {
    expect(logged.notice).toEqual([]);
    expect(logged.warning).toEqual([expect.stringContaining('npx serverless invoke -f rotateKeys')]);
  }
  expect(failing.logged.warning[0]).toContain('Unhandled: {"errorMessage":"KMS throttled"}');
  expect(refused.logged.warning[0]).toContain('AccessDeniedException');
});
