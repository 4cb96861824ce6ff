/**
 * Prints, as shell exports, what a process needs to call the handlers against
 * `npm start`'s stack as serverless-offline calls them: DynamoDB Local's
 * address and this checkout's key (without which it sees no tables), the
 * Kong Admin API, the signing-key files and the issuer. Then the AWS CLI
 * (with --endpoint-url "$DYNAMODB_ENDPOINT") or `sls invoke local --stage local`
 * (docs/invoking.md). Reads STACK_DATA_DIR and the *_PORT settings as `npm start` does.
 */
import path from 'node:path';
import { browserEnv, dataDirFromEnv, DEFAULT_PORTS, keysEnv, localAwsEnv, portsFromEnv, savedCredentials } from './stack';

async function main(): Promise<void> {
  const dataDir = dataDirFromEnv();
  const ports = portsFromEnv(DEFAULT_PORTS);
  const proxyUrl = `http://127.0.0.1:${ports.proxy}`;
  const env = {
    ...localAwsEnv(await savedCredentials(dataDir)),
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.dynamodb}`,
    KONG_ADMIN_URL: `http://127.0.0.1:${ports.admin}`,
    ...keysEnv(proxyUrl, path.join(dataDir, 'signing-keys')),
    ...browserEnv(proxyUrl),
    // The SDK's notice that it will need Node 22 in 2027, on every call under Node 20 (the functions run on nodejs24.x in Lambda).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const [name, value] of Object.entries(env)) console.log(`export ${name}='${value.replaceAll("'", `'\\''`)}'`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
