/**
 * Creates the tables declared in serverless.yml in the DynamoDB Local at
 * DYNAMODB_ENDPOINT, unless they exist (docker-compose.yml's api runs this).
 */
import { ensureTables } from './stack/tables';

const endpoint = process.env.DYNAMODB_ENDPOINT;
if (!endpoint) {
  console.error('DYNAMODB_ENDPOINT is required, e.g. DYNAMODB_ENDPOINT=http://127.0.0.1:8100');
  process.exit(1);
}

ensureTables(endpoint).then(
  () => console.log(`Tables ready in ${endpoint}`),
  (error: Error) => {
    console.error(`Could not create the tables in ${endpoint}: ${error.message}`);
    process.exit(1);
  },
);
