/** OAuth clients for the end-to-end tests: registered as an operator does, and the real client libraries run in `node`. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  first_party: boolean;
}

/** `npm run clients -- <args>` against the test stack (its env names the tables and DynamoDB Local): its one JSON line. */
export async function clientsCommand(args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'clients.ts'), ...args], { cwd: ROOT, env: process.env });
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]);
}

/** A client registered with `npm run clients -- create`. */
export async function registerClient(options: { name: string; redirectUris?: string[]; postLogoutRedirectUris?: string[]; firstParty?: boolean; public?: boolean }) {
  const args = ['create', '--name', options.name];
  for (const uri of options.redirectUris ?? ['https://rp.example.test/cb']) args.push('--redirect-uri', uri);
  for (const uri of options.postLogoutRedirectUris ?? []) args.push('--post-logout-redirect-uri', uri);
  if (options.firstParty) args.push('--first-party');
  if (options.public) args.push('--public');
  return (await clientsCommand(args)) as RegisteredClient;
}

/** Runs one of test/support/rp/*.mjs (ESM-only client libraries, which jest's CommonJS cannot load) with `input`; its JSON line. */
export async function runRelyingParty<T = Record<string, any>>(script: string, input: unknown): Promise<T> {
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'test', 'support', 'rp', script), JSON.stringify(input)], { cwd: ROOT, env: process.env, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}
