/**
 * The Postman collection, run as Postman's runner runs it (newman, Postman's
 * own command-line runner) against the gateway: the tokens from signin carry
 * to the Bearer requests, the cookie from the browser sign-in to the
 * authenticate call, and every answer is one openapi.yaml describes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COLLECTION_FILE } from '../../scripts/postman/generate';
import { uniqueName } from '../support/clients';
import { Description } from '../support/openapi';

// newman ships no types: what this test reads of it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const newman: { run(options: object, done: (error: Error | null, summary: Summary) => void): void } = require('newman');
interface Summary {
  run: {
    failures: { error: { message: string }; source?: { name?: string } }[];
    executions: {
      item: { name: string };
      request: { method: string; url: { toString(): string } };
      response?: { code: number; headers: { members: { key: string; value: string }[] }; stream?: Buffer };
    }[];
  };
}

const PROXY = process.env.PROXY_URL!;
const KONG_YML = readFileSync(path.resolve(__dirname, '..', '..', 'kong', 'kong.yml'), 'utf8');
/** Every path kong.yml routes: its routes' `paths: [...]` lists. */
const KONG_PATHS = new Set([...KONG_YML.matchAll(/^\s*paths:\s*\[([^\]]*)\]/gm)].flatMap((match) => match[1].split(',').map((p) => p.trim())));

/**
 * The collection without requests to paths kong.yml does not route yet: the
 * description names routes of the shared contract (the health route) before
 * every branch that builds them is merged. Once they are, nothing is left out.
 */
function routedOnly(collection: { item: { item: { request: { url: { path: string[] } } }[] }[] }) {
  for (const folder of collection.item) {
    folder.item = folder.item.filter(({ request }) => {
      const route = `/${request.url.path.map((part) => (part.startsWith(':') ? '' : part)).join('/')}`;
      return KONG_PATHS.has(route);
    });
  }
  return collection;
}

it('walks the flow from signup to sign-out with the tokens it keeps, every answer as described', async () => {
  const summary = await new Promise<Summary>((resolve, reject) =>
    newman.run(
      {
        collection: routedOnly(JSON.parse(readFileSync(COLLECTION_FILE, 'utf8'))),
        // As a developer sets them in a Postman environment.
        envVar: [
          { key: 'baseUrl', value: PROXY },
          { key: 'username', value: uniqueName('postman') },
          { key: 'webUsername', value: uniqueName('postweb') },
          // The gateway's key, which session-authenticate's key-auth wants.
          { key: 'forwardAuthKey', value: process.env.FORWARD_AUTH_KEY! },
        ],
        reporters: [],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
  expect(summary.run.failures.map((failure) => `${failure.source?.name}: ${failure.error.message}`)).toEqual([]);

  const description = Description.load();
  const statuses = new Map<string, number>();
  const problems: string[] = [];
  for (const { item, request, response } of summary.run.executions) {
    if (!response) throw new Error(`${item.name}: no answer`);
    statuses.set(item.name, response.code);
    const headers = new Headers(response.headers.members.map(({ key, value }) => [key, value] as [string, string]));
    problems.push(...description.check({ method: request.method, url: request.url.toString(), status: response.code, headers, body: response.stream?.toString('utf8') ?? '' }));
  }
  expect(problems).toEqual([]);
  expect(Object.fromEntries(statuses)).toMatchObject({
    'Create an account': 201,
    'Sign in with username and password': 200,
    'Who the access token belongs to': 200,
    'Rotate the refresh token (RFC 6749 §6)': 200,
    'Change the password; every other session ends, fresh tokens come back': 200,
    "The user's live sessions, newest first": 200,
    // The password change ended every other session: the id kept is no session of this user's.
    "End one of the user's sessions": 404,
    'End every session of the user and rotate its Kong credential': 200,
    // Signed out everywhere: Kong itself no longer knows the token's credential.
    'End this session (its access and refresh tokens)': 401,
    'Revoke a refresh token (RFC 7009)': 200,
    'Create an account with email and first name (JSON, or the register page\'s form)': 201,
    "Start a browser session (JSON, or the sign-in page's form)": 200,
    'Who holds this session (what Kong\'s forward-auth asks on every browser request)': 200,
    'This description, as JSON': 200,
    'The public keys of access and identity tokens (RFC 7517)': 200,
  });
}, 60_000);
