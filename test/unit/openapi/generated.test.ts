/** The files made from openapi.yaml are what the generators make of it now (`npm run openapi`, `npm run postman`). */
import { readFileSync } from 'node:fs';
import { DESCRIPTION_JSON, descriptionJson } from '../../../scripts/openapi/build';
import { COLLECTION_FILE, ENVIRONMENT_FILE, environment, generateCollection } from '../../../scripts/postman/generate';

it('lib/api-description/openapi.json is openapi.yaml as it is now (run `npm run openapi`)', () => {
  expect(readFileSync(DESCRIPTION_JSON, 'utf8')).toBe(descriptionJson());
});

describe('the Postman collection', () => {
  let fresh: string;
  beforeAll(async () => {
    fresh = await generateCollection();
  }, 60_000);

  it('is what openapi-to-postmanv2 makes of openapi.yaml now (run `npm run postman`)', () => {
    expect(readFileSync(COLLECTION_FILE, 'utf8')).toBe(fresh);
    expect(readFileSync(ENVIRONMENT_FILE, 'utf8')).toBe(environment());
  });

  it('keeps the tokens from signin for the Bearer requests after it', () => {
    const collection = JSON.parse(fresh);
    const requests: { name: string; event?: { script: { exec: string[] } }[]; request: { auth: unknown; body?: { raw?: string } } }[] = [];
    const walk = (items: { item?: unknown[] }[]) => items.forEach((item) => (item.item ? walk(item.item as never) : requests.push(item as never)));
    walk(collection.item);
    const named = (name: string) => requests.find((request) => request.name === name)!;

    expect(named('Sign in with username and password').event![0].script.exec.join('\n')).toContain("pm.collectionVariables.set('bearerToken', tokens.access_token)");
    expect(named('Rotate the refresh token (RFC 6749 §6)').request.body!.raw).toContain('{{refreshToken}}');
    expect(named('Who the access token belongs to').request.auth).toEqual({ type: 'bearer', bearer: [{ key: 'token', value: '{{bearerToken}}' }] });
    expect(collection.variable.find((variable: { key: string }) => variable.key === 'baseUrl').value).toBe('http://localhost:8000');
  });
});
