'use strict';
/**
 * A local serverless v3 plugin (listed in serverless.yml) for what
 * serverless.yml alone cannot say:
 * - serverless v3's config schema predates the nodejs24.x Lambda runtime and
 *   would warn about it on every command; AWS supports it, so the schema
 *   learns it here.
 * - Kong invokes the functions itself (its aws-lambda plugin), so a deployed
 *   stage must have no API Gateway. The `http` events exist only to give
 *   serverless-offline its direct HTTP port for local calls; packaging (and
 *   so deploying) drops them, whatever the stage.
 */
class DeployShape {
  constructor(serverless) {
    this.serverless = serverless;
    const runtimes = serverless.configSchemaHandler.schema.definitions.awsLambdaRuntime;
    if (runtimes && Array.isArray(runtimes.enum) && !runtimes.enum.includes('nodejs24.x')) runtimes.enum.push('nodejs24.x');
    this.hooks = { 'before:package:initialize': () => this.dropHttpEvents() };
  }

  dropHttpEvents() {
    for (const fn of Object.values(this.serverless.service.functions ?? {})) {
      fn.events = (fn.events ?? []).filter((event) => !('http' in event) && !('httpApi' in event));
    }
  }
}

module.exports = DeployShape;
