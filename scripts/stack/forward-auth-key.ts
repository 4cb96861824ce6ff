/**
 * The gateway's own key for the identity provider's route: kong.yml declares
 * the consumer `forward-auth` with it (key-auth on session-authenticate) and
 * forward-auth sends it (api_key), both from DECK_FORWARD_AUTH_KEY.
 *
 * A persisted stack keeps it beside DynamoDB Local's credentials: the gateway
 * keeps declared consumers' keys in its data file and deletes none, so a new
 * key at every start would leave every old one working. An in-memory stack
 * makes a new one each time.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The file under a stack's data folder that holds the key. */
export const FORWARD_AUTH_KEY_FILE = 'forward-auth-key';

/** 256 random bits, base64url: fits a header and a decK placeholder as they are. */
export const randomForwardAuthKey = (): string => randomBytes(32).toString('base64url');

/** The key kept in `dataDir`, made on first use (private to its owner). */
export const persistedForwardAuthKey = (dataDir: string): Promise<string> => persistedKey(dataDir, FORWARD_AUTH_KEY_FILE);

/** A random key kept in `dataDir/file`, made on first use (private to its owner): the forward-auth key, the local operator's. */
export async function persistedKey(dataDir: string, fileName: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  const file = path.join(dataDir, fileName);
  try {
    // 'wx': two stacks starting at once from one checkout must not both write a key.
    await writeFile(file, `${randomForwardAuthKey()}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = (await readFile(file, 'utf8')).trim();
  if (!/^[A-Za-z0-9_-]{16,}$/.test(key)) throw new Error(`${file} does not hold a key (delete it: \`npm start\` makes a new one)`);
  return key;
}
