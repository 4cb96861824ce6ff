/**
 * Creates the tables declared in serverless.yml in the DynamoDB Local at
 * DYNAMODB_ENDPOINT, for the key in AWS_ACCESS_KEY_ID, unless they exist,
 * and with SIGNING_KEY_DIR set, the first signing key there unless the
 * keyring has one (docker-compose.yml's api runs this).
 */
import { credentialsFromEnv, ensureTables } from './stack';
import { ensureSigningKey, keyAlgorithmFor } from './stack/signing-keys';

const endpoint = process.env.DYNAMODB_ENDPOINT;
const credentials = credentialsFromEnv();
if (!endpoint || !credentials) {
  console.error(
    'DYNAMODB_ENDPOINT, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required, ' +
      'e.g. DYNAMODB_ENDPOINT=http://127.0.0.1:8100 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local',
  );
  process.exit(1);
}

const keyDir = process.env.SIGNING_KEY_DIR;
ensureTables(endpoint, credentials)
  .then(async () => {
    if (keyDir) await ensureSigningKey(endpoint, credentials, keyDir, keyAlgorithmFor(process.env.ACCESS_TOKEN_ALGORITHM));
  })
  .then(
    () => console.log(`Tables${keyDir ? ' and a signing key' : ''} ready in ${endpoint}`),
    (error: Error) => {
      console.error(`Could not create the tables${keyDir ? ' or the first signing key' : ''} in ${endpoint}: ${error.message}`);
      process.exit(1);
    },
  );
