/**
 * Prints, as shell exports, what a tool needs to reach `npm start`'s
 * DynamoDB Local: its address and the checkout's key, without which it sees
 * no tables. `eval "$(npx tsx scripts/aws-env.ts)"`, then the AWS CLI
 * (with --endpoint-url "$DYNAMODB_ENDPOINT") or `serverless invoke local`.
 * Reads STACK_DATA_DIR and DYNAMODB_PORT as `npm start` does.
 */
import { dataDirFromEnv, DEFAULT_PORTS, localAwsEnv, portsFromEnv, savedCredentials } from './stack';

async function main(): Promise<void> {
  const env = {
    ...localAwsEnv(await savedCredentials(dataDirFromEnv())),
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${portsFromEnv(DEFAULT_PORTS).dynamodb}`,
  };
  // Hex keys and URLs need no quoting.
  for (const [name, value] of Object.entries(env)) console.log(`export ${name}=${value}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
