/**
 * The key the local stack's identity provider signs identity tokens with
 * (browser sessions, design 003), and the settings that go with it: an
 * EC P-256 key (ES256) made locally, never a fixed one in the repository.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The file under a stack's data folder that holds it. */
export const IDENTITY_KEY_FILE = 'identity-signing-key.pem';

export function randomIdentityKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The key kept in `dataDir` (private to its owner), made on first use, so identity tokens verify across restarts. */
export async function persistedIdentityKey(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  const file = path.join(dataDir, IDENTITY_KEY_FILE);
  try {
    // 'wx': two stacks starting at once from one checkout must not both write a key.
    await writeFile(file, randomIdentityKey(), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFile(file, 'utf8');
}

/**
 * The handlers' browser-session settings for a stack whose gateway proxy is
 * `proxyUrl`: plain http, so no Secure cookie; the pages' origins as a browser
 * names them; the signing key; and the JWKS, which the profile functions fetch
 * through the gateway as they would in AWS.
 */
export function browserEnv(proxyUrl: string, signingKey: string): Record<string, string> {
  const { port } = new URL(proxyUrl);
  return {
    SESSION_COOKIE_SECURE: 'false',
    BROWSER_ALLOWED_ORIGINS: `http://127.0.0.1:${port},http://localhost:${port}`,
    IDENTITY_SIGNING_KEY: signingKey,
    IDENTITY_JWKS_URL: `${proxyUrl}/.well-known/jwks.json`,
  };
}
