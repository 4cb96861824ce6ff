/**
 * `npm run postman`: the Postman collection, made from openapi.yaml by
 * Postman's own converter (openapi-to-postmanv2), then made ready to walk the
 * flow: requests that sign in save the tokens for the next ones, the bodies
 * use the collection's variables, and the random ids the converter gives each
 * item are dropped so the same description always makes the same file
 * (test/unit/openapi/generated.test.ts compares it with the committed one).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

// The converter ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const converter: { convert(input: object, options: object, done: (error: unknown, result: ConversionResult) => void): void } = require('openapi-to-postmanv2');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface ConversionResult {
  result: boolean;
  reason?: string;
  output: { type: string; data: Json }[];
}

const ROOT = path.resolve(__dirname, '..', '..');
export const COLLECTION_FILE = path.join(ROOT, 'postman', 'kong-lambda-auth.postman_collection.json');
export const ENVIRONMENT_FILE = path.join(ROOT, 'postman', 'local.postman_environment.json');
const BASE_URL = 'http://localhost:8000';

/** Saves the token pair of a 200 for the requests after it (Bearer auth uses bearerToken). */
const SAVE_TOKENS = [
  'if (pm.response.code === 200) {',
  '  const tokens = pm.response.json();',
  "  pm.collectionVariables.set('bearerToken', tokens.access_token);",
  "  pm.collectionVariables.set('refreshToken', tokens.refresh_token);",
  '}',
];
/** A password change sets the new password: later sign-ins use it. */
const SAVE_PASSWORD = ["if (pm.response.code === 200) pm.collectionVariables.set('password', pm.collectionVariables.get('newPassword'));"];
/** Another session than this one, for "End one of the user's sessions" (none: sessionId stays, an unknown id answers 404). */
const SAVE_SESSION = [
  'if (pm.response.code === 200) {',
  '  const other = pm.response.json().find((session) => !session.current);',
  "  if (other) pm.collectionVariables.set('sessionId', other.id);",
  '}',
];

const json = (value: unknown) => ({ mode: 'raw', raw: JSON.stringify(value, null, 2), options: { raw: { language: 'json' } } });
const form = (fields: Record<string, string>) => ({ mode: 'urlencoded', urlencoded: Object.entries(fields).map(([key, value]) => ({ key, value })) });

/** What each operation sends and keeps, by operationId: the walk-through of the README, in Postman. */
const FLOW: Record<string, { body?: { mode: string }; test?: string[]; path?: Record<string, string> }> = {
  signup: { body: json({ username: '{{username}}', password: '{{password}}' }) },
  signin: { body: json({ username: '{{username}}', password: '{{password}}' }), test: SAVE_TOKENS },
  refresh: { body: json({ refresh_token: '{{refreshToken}}' }), test: SAVE_TOKENS },
  revoke: { body: json({ token: '{{refreshToken}}' }) },
  changePassword: { body: json({ current_password: '{{password}}', new_password: '{{newPassword}}' }), test: [...SAVE_TOKENS, ...SAVE_PASSWORD] },
  listSessions: { test: SAVE_SESSION },
  endSession: { path: { id: '{{sessionId}}' } },
  introspect: { body: form({ token: '{{bearerToken}}' }) },
  sessionRegister: { body: json({ username: '{{webUsername}}', password: '{{password}}', email: '{{webUsername}}@example.com', first_name: 'Ada' }) },
  sessionLogin: { body: json({ username: '{{webUsername}}', password: '{{password}}' }) },
  createProfile: { body: json({ display_name: 'Ada L.', bio: 'Analyst', location: 'London', website: '' }) },
  updateProfile: { body: json({ display_name: 'Ada Lovelace', bio: 'Analyst', location: 'London', website: '' }) },
};

/**
 * The order a run of the whole collection (Postman's runner, newman) takes
 * within each folder: the README's walk-through. Signing out everywhere
 * rotates the Kong credential, so the logout after it shows Kong's own 401
 * ("No credentials found for given 'ckey'"); revocation answers 200 whatever
 * the token.
 */
const RUN_ORDER = [
  'signup', 'signin', 'info', 'refresh', 'changePassword',
  'listSessions', 'endSession', 'logoutAll', 'logout', 'revoke',
  'sessionRegister', 'sessionLogin', 'sessionAuthenticate', 'sessionLogout',
];

/** Collection variables: what the flow carries from request to request. */
const VARIABLES: Record<string, string> = {
  baseUrl: BASE_URL,
  username: 'alice',
  password: 'correct horse battery',
  newPassword: 'a new long password',
  bearerToken: '',
  refreshToken: '',
  // A well-formed id no session has, until the session list gives one.
  sessionId: '00000000-0000-4000-8000-000000000000',
  webUsername: 'ada',
  apiKey: '',
  // The gateway's own key for /api/session/authenticate: `npm start` keeps it in .data/forward-auth-key.
  forwardAuthKey: '',
};

function convert(data: string): Promise<Json> {
  return new Promise((resolve, reject) =>
    converter.convert(
      { type: 'string', data },
      { folderStrategy: 'Tags', requestNameSource: 'Fallback', parametersResolution: 'Schema', schemaFaker: false, includeAuthInfoInExample: false, indentCharacter: 'Space' },
      (error, result) => {
        if (error) return reject(error);
        if (!result.result) return reject(new Error(`openapi-to-postmanv2: ${result.reason}`));
        resolve(result.output[0].data);
      },
    ),
  );
}

/** The converter's random ids, gone: Postman makes its own on import. */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'id' && key !== '_postman_id').map(([key, inner]) => [key, withoutIds(inner)]));
}

function requests(items: Json[]): Json[] {
  return items.flatMap((item) => (Array.isArray(item.item) ? requests(item.item) : [item]));
}

export async function generateCollection(): Promise<string> {
  const document = parse(readFileSync(path.join(ROOT, 'openapi.yaml'), 'utf8'));
  // CORS preflights are a browser's business (Kong answers them): not requests a developer sends.
  for (const item of Object.values<Json>(document.paths)) delete item.options;
  document.tags = document.tags?.filter((tag: Json) => tag.name !== 'cors');
  const collection = withoutIds(await convert(JSON.stringify(document))) as Json;

  // The converter names requests by summary: back to the operation they came from.
  const bySummary = new Map<string, string>();
  const operations = new Map<string, Json>();
  for (const item of Object.values<Json>(document.paths)) {
    for (const op of Object.values<Json>(item)) {
      bySummary.set(op.summary, op.operationId);
      operations.set(op.operationId, op);
    }
  }
  for (const item of requests(collection.item)) {
    const operationId = bySummary.get(item.name);
    if (!operationId) throw new Error(`openapi-to-postmanv2 made a request "${item.name}" that names no operation`);
    // Saved answers keep their status, name and header names; the converter fills
    // their values and bodies with random samples (a new file every run), and the
    // description already says what they hold.
    item.response = (item.response ?? []).map((answer: Json) => ({
      ...answer,
      header: (answer.header ?? []).map((header: Json) => ({ ...header, value: '' })),
      body: '',
    }));
    // The session cookie is Postman's cookie jar's to send (the sign-in sets it);
    // the converter would send it as a header named JSESSIONID.
    if (operations.get(operationId)?.security?.some((requirement: Json) => 'sessionCookie' in requirement)) item.request.auth = { type: 'noauth' };
    // What forward-auth asks answers the gateway only: its key, in apikey.
    if (operationId === 'sessionAuthenticate') {
      item.request.auth = { type: 'apikey', apikey: [{ key: 'key', value: 'apikey' }, { key: 'value', value: '{{forwardAuthKey}}' }, { key: 'in', value: 'header' }] };
    }
    const flow = FLOW[operationId];
    if (!flow) continue;
    if (flow.body) {
      item.request.body = flow.body;
      const type = flow.body.mode === 'raw' ? 'application/json' : 'application/x-www-form-urlencoded';
      for (const header of item.request.header) if (header.key.toLowerCase() === 'content-type') header.value = type;
    }
    if (flow.path) for (const variable of item.request.url.variable) if (flow.path[variable.key]) variable.value = flow.path[variable.key];
    if (flow.test) item.event = [{ listen: 'test', script: { type: 'text/javascript', exec: flow.test } }];
  }
  const rank = (item: Json) => {
    const index = RUN_ORDER.indexOf(bySummary.get(item.name) ?? '');
    return index === -1 ? RUN_ORDER.length : index;
  };
  for (const folder of collection.item) if (Array.isArray(folder.item)) folder.item.sort((a: Json, b: Json) => rank(a) - rank(b));
  collection.info = {
    name: document.info.title,
    description: `${document.info.summary}\n\nGenerated from openapi.yaml by \`npm run postman\`. Start \`npm start\`, then: Create an account, Sign in (the tokens are kept in collection variables), and any other request.`,
    schema: collection.info.schema,
  };
  collection.variable = Object.entries(VARIABLES).map(([key, value]) => ({ key, value, type: 'string' }));
  return `${JSON.stringify(collection, null, 2)}\n`;
}

/** A Postman environment for `npm start`: baseUrl only (the collection carries the rest). */
export function environment(): string {
  return `${JSON.stringify({ name: 'kong-lambda-auth local', values: [{ key: 'baseUrl', value: BASE_URL, type: 'default', enabled: true }] }, null, 2)}\n`;
}

if (require.main === module) {
  generateCollection().then((text) => {
    writeFileSync(COLLECTION_FILE, text);
    writeFileSync(ENVIRONMENT_FILE, environment());
    console.log(`wrote ${path.relative(ROOT, COLLECTION_FILE)} and ${path.relative(ROOT, ENVIRONMENT_FILE)}`);
  });
}
