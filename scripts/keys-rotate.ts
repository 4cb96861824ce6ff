/**
 * `npm run keys:rotate`: starts a rotation of the service's signing keys, or
 * moves one along, with the very code the scheduled rotateKeys function runs
 * (lib/keys/rotation.ts), and prints the keyring.
 *
 * A rotation takes three runs, as its waits allow: the first publishes a new
 * key; one after JWKS_CACHE_SECONDS (5 min) makes it sign; one after the
 * access-token lifetime plus that (20 min) retires the old key. A run with a
 * rotation under way starts no second one. `--advance` only moves along
 * what is due, as the schedule does.
 *
 * By default it works on `npm start`'s stack (.data/, its ports). With
 * TOKENS_TABLE set it uses the environment as it is, as a function would:
 * for a deployed stage, rather run the function itself:
 *   npx serverless invoke -f rotateKeys --stage prod --data '{"rotate":true}'
 */
import path from 'node:path';
import { dataDirFromEnv, DEFAULT_PORTS, keysEnv, localAwsEnv, portsFromEnv, savedCredentials, tableEnvironment } from './stack';

async function localStackEnv(): Promise<Record<string, string>> {
  const dataDir = dataDirFromEnv();
  const ports = portsFromEnv(DEFAULT_PORTS);
  return {
    ...(await tableEnvironment()),
    ...localAwsEnv(await savedCredentials(dataDir)),
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.dynamodb}`,
    KONG_ADMIN_URL: `http://127.0.0.1:${ports.admin}`,
    ...keysEnv(`http://127.0.0.1:${ports.proxy}`, path.join(dataDir, 'signing-keys')),
  };
}

async function main(): Promise<void> {
  if (!process.env.TOKENS_TABLE) {
    for (const [name, value] of Object.entries(await localStackEnv())) process.env[name] ??= value;
  }
  process.env.LOG_LEVEL ??= 'warn';
  // Only now: the service's settings are read when its modules load.
  const { rotateKeys } = await import('../lib/composition/key-rotation');
  const { config } = await import('../lib/platform/config');
  const { nowSeconds } = await import('../lib/platform/clock');

  const report = await rotateKeys().advance(nowSeconds(), { rotateNow: !process.argv.includes('--advance') });
  console.log(report.changes.length ? `Changed: ${report.changes.join('; ')}` : 'Nothing was due.');
  for (const key of report.keys) console.log(`  ${key.kid}  ${key.algorithm}  ${key.state.padEnd(8)}  since ${key.since}`);
  const at = (since: string, seconds: number) => new Date(Date.parse(since) + seconds * 1000).toISOString();
  for (const key of report.keys) {
    if (key.state === 'pending') console.log(`Next: ${key.kid} can sign from ${at(key.since, config.jwksCacheSeconds)}; run this again then.`);
    if (key.state === 'retiring') {
      console.log(`Next: ${key.kid} can be retired from ${at(key.since, config.accessTokenTtlSeconds + config.jwksCacheSeconds)}; run this again then.`);
    }
  }
}

main().catch((error: Error) => {
  console.error(`keys:rotate failed: ${error.message}`);
  process.exit(1);
});
