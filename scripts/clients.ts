/**
 * `npm run clients -- <command>`: the operator's registry of OAuth clients
 * (lib/oauth-clients), on `npm start`'s stack by default (.data/, its
 * ports), or, with TOKENS_TABLE set, the environment as it is. Each command
 * prints one JSON line:
 *
 *   create --name NAME --redirect-uri URI [--redirect-uri URI…]
 *          [--post-logout-redirect-uri URI…] [--first-party] [--public]
 *       the client, with `client_secret` for a confidential client: shown
 *       this once, stored only as a hash
 *   list                 every client (never a secret)
 *   delete CLIENT_ID     {"deleted": true|false}
 */
import { parseArgs } from 'node:util';
import { dataDirFromEnv, DEFAULT_PORTS, localAwsEnv, portsFromEnv, savedCredentials, tableEnvironment } from './stack';

async function localStackEnv(): Promise<Record<string, string>> {
  const dataDir = dataDirFromEnv();
  const ports = portsFromEnv(DEFAULT_PORTS);
  return {
    ...(await tableEnvironment()),
    ...localAwsEnv(await savedCredentials(dataDir)),
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.dynamodb}`,
  };
}

const USAGE = 'usage: npm run clients -- create --name NAME --redirect-uri URI [--redirect-uri URI…] [--post-logout-redirect-uri URI…] [--first-party] [--public] | list | delete CLIENT_ID';

async function main(): Promise<void> {
  if (!process.env.TOKENS_TABLE) {
    for (const [name, value] of Object.entries(await localStackEnv())) process.env[name] ??= value;
  }
  process.env.LOG_LEVEL ??= 'warn';
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'first-party': { type: 'boolean' },
      public: { type: 'boolean' },
    },
  });
  // Only now: the service's settings are read when its modules load.
  const { oauthClients } = await import('../lib/composition/oauth-clients');
  const { describeClient, describeNewClient } = await import('../lib/oauth-clients/client');
  const [command, ...rest] = positionals;
  if (command === 'create') {
    if (!values.name || !values['redirect-uri']?.length) throw new Error(USAGE);
    const created = await oauthClients.register({
      name: values.name,
      redirectUris: values['redirect-uri'],
      postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [],
      firstParty: values['first-party'] ?? false,
      public: values.public ?? false,
    });
    console.log(JSON.stringify(describeNewClient(created)));
  } else if (command === 'list') {
    console.log(JSON.stringify((await oauthClients.list()).map(describeClient)));
  } else if (command === 'delete' && rest.length === 1) {
    console.log(JSON.stringify({ client_id: rest[0], deleted: await oauthClients.delete(rest[0]) }));
  } else {
    throw new Error(USAGE);
  }
}

main().catch((error: Error) => {
  console.error(`clients failed: ${error.message}`);
  process.exit(1);
});
