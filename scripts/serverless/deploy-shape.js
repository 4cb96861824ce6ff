'use strict';
const { prepareOffline } = require('./offline-ports');
/**
 * A local osls plugin (listed in serverless.yml) for what serverless.yml
 * alone cannot say:
 * - Older config schemas predate the nodejs24.x Lambda runtime and would warn
 *   about it on every command; AWS supports it, so the schema learns it here
 *   if it must (osls 4 knows it).
 * - Kong invokes the functions itself (its aws-lambda plugin), so a deployed
 *   stage must have no API Gateway. The `http` events exist only to give
 *   serverless-offline its direct HTTP port for local calls; packaging (and
 *   so deploying) drops them, whatever the stage.
 * - A new stage has no signing key until rotateKeys makes one (signin answers
 *   503 meanwhile), and its schedule may be 15 minutes away: the deploy runs
 *   it once as it ends. On later deploys that only applies whatever step of
 *   the keys' timeline is due, as the schedule would.
 * - IS_OFFLINE and IS_LOCAL tell lib/platform/config.ts that a local runner
 *   (serverless-offline, `sls invoke local`) calls the handler, which then
 *   accepts key files and loopback defaults: packaging refuses a function
 *   whose environment sets either, so that no deployed function can.
 * - `serverless offline` (the local stack) opens no HTTP port unless
 *   API_HTTP=1, and its hapi servers refuse compressed bodies
 *   (offline-ports.js says why).
 */
class DeployShape {
  constructor(serverless, _options, utils) {
    this.serverless = serverless;
    this.log = utils?.log ?? { notice: (text) => serverless.cli.log(text), warning: (text) => serverless.cli.log(text) };
    const runtimes = serverless.configSchemaHandler.schema.definitions.awsLambdaRuntime;
    if (runtimes && Array.isArray(runtimes.enum) && !runtimes.enum.includes('nodejs24.x')) runtimes.enum.push('nodejs24.x');
    this.hooks = {
      'before:package:initialize': () => {
        this.refuseLocalMarkers();
        this.dropHttpEvents();
      },
      'after:deploy:deploy': () => this.runKeyRotation(),
      'before:offline:start:init': () => prepareOffline(serverless, _options, () => this.dropHttpEvents()),
      'before:offline:start': () => prepareOffline(serverless, _options, () => this.dropHttpEvents()),
    };
  }

  /**
   * A failure is a warning, not a failed deploy: the stack is deployed, and
   * the schedule tries again within 15 minutes.
   */
  async runKeyRotation() {
    const { name } = this.serverless.service.getFunction('rotateKeys');
    try {
      const answer = await this.invoke({ FunctionName: name, Payload: Buffer.from('{}') });
      if (answer.FunctionError) throw new Error(`${answer.FunctionError}: ${Buffer.from(answer.Payload ?? '').toString()}`);
      this.log.notice(`${name} ran: the stage has its signing key`);
    } catch (err) {
      this.log.warning(
        `${name} did not run after the deploy (${err.message}). Until it does, on its schedule or with ` +
          '`npx serverless invoke -f rotateKeys`, a new stage has no signing key and signin answers 503.',
      );
    }
  }

  /** Lambda Invoke with osls' credentials and region (osls 4 has AWS SDK v3 only, and no provider.request). */
  async invoke(params) {
    const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');
    const client = new LambdaClient(await this.serverless.getProvider('aws').getAwsSdkV3Config());
    try {
      return await client.send(new InvokeCommand(params));
    } finally {
      client.destroy();
    }
  }

  refuseLocalMarkers() {
    const { service } = this.serverless;
    const environments = [['provider', service.provider?.environment]];
    for (const [key, fn] of Object.entries(service.functions ?? {})) environments.push([`function ${key}`, fn.environment]);
    for (const [where, environment] of environments) {
      for (const marker of ['IS_OFFLINE', 'IS_LOCAL']) {
        if (environment && marker in environment) {
          throw new (this.serverless.classes?.Error ?? Error)(`${where} sets ${marker}: it marks a local run, in which a function accepts key files (lib/platform/config.ts); a deployed function must not have it`);
        }
      }
    }
  }

  dropHttpEvents() {
    for (const fn of Object.values(this.serverless.service.functions ?? {})) {
      fn.events = (fn.events ?? []).filter((event) => !('http' in event) && !('httpApi' in event));
    }
  }
}

module.exports = DeployShape;
