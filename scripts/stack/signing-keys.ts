/**
 * The service's signing keys on a local stack: key files in a folder of the
 * stack's (custody `file`), and a first key made when the tables are, so that
 * the first signin finds one. Rotation is `npm run keys:rotate`'s job.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { nowSeconds } from '../../lib/platform/clock';
import { DynamoDBKeyRingStore } from '../../lib/keys/dynamodb-store';
import { FileKeyCustody } from '../../lib/keys/file-custody';
import { KeyRotation } from '../../lib/keys/rotation';
import { withLocalDynamo, type LocalCredentials } from './local-aws';
import { tableEnvironment } from './tables';

/** The algorithm the first key gets: ACCESS_TOKEN_ALGORITHM's, ES256 for HS256 (the keys then sign only tokens for other services). */
export const keyAlgorithmFor = (accessTokenAlgorithm: string | undefined) => (accessTokenAlgorithm === 'RS256' ? 'RS256' : 'ES256');

/** Makes the first signing key in `dir` and the keyring, unless the keyring has one. */
export async function ensureSigningKey(endpoint: string, credentials: LocalCredentials, dir: string, algorithm: 'ES256' | 'RS256'): Promise<void> {
  const { TOKENS_TABLE } = await tableEnvironment();
  if (!TOKENS_TABLE) throw new Error('serverless.yml names no TOKENS_TABLE');
  await withLocalDynamo(endpoint, credentials, async (client) => {
    const store = new DynamoDBKeyRingStore(DynamoDBDocumentClient.from(client), TOKENS_TABLE);
    // Only the first step runs here: no timing applies to it, and no gateway is needed.
    const timing = { jwksCacheSeconds: 0, accessTokenTtlSeconds: 0, rotationSeconds: 0 };
    await new KeyRotation(store, new FileKeyCustody(dir), { retire: async () => undefined }, algorithm, timing).bootstrap(nowSeconds());
  });
}
