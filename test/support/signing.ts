/**
 * Signing as the service signs, for tests that forge or alter tokens: with
 * the user's Kong secret (ACCESS_TOKEN_ALGORITHM=HS256) or with the stack's
 * current signing key, read from its key files (ES256, RS256), so that only
 * what a test changes differs from a real token.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import jwt from 'jsonwebtoken';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { db, storedUser } from './clients';

/** The mode the stacks under test run in (serverless.yml's default is ES256). */
export const ALGORITHM = (process.env.ACCESS_TOKEN_ALGORITHM || 'ES256') as 'ES256' | 'RS256' | 'HS256';
export const PUBLIC_KEYS = ALGORITHM !== 'HS256';

interface KeyItem {
  kid: string;
  ref: string;
  state: string;
  algorithm: 'ES256' | 'RS256';
}

/** The keyring as the stack stored it. */
export async function keyring(): Promise<KeyItem[]> {
  const { Item } = await db.send(new GetCommand({ TableName: process.env.TOKENS_TABLE, Key: { id: 'keyring' }, ConsistentRead: true }));
  return (Item?.keys as KeyItem[]) ?? [];
}

/**
 * Signs `claims` exactly as given (jsonwebtoken's noTimestamp would drop a given iat; its default would add a missing one),
 * with an access token's header (`typ` at+jwt) unless `typ` says otherwise.
 */
export async function signAs(username: string, claims: Record<string, unknown>, typ = 'at+jwt'): Promise<string> {
  const noTimestamp = !Object.hasOwn(claims, 'iat');
  if (!PUBLIC_KEYS) {
    const user = (await storedUser(username))!;
    return jwt.sign(claims, user.credentialSecret, { algorithm: 'HS256', noTimestamp, header: { alg: 'HS256', typ } });
  }
  const active = (await keyring()).find((key) => key.state === 'active')!;
  const privateKey = await readFile(path.join(process.env.SIGNING_KEY_DIR!, active.ref));
  return jwt.sign(claims, privateKey, { algorithm: active.algorithm, keyid: active.kid, noTimestamp, header: { alg: active.algorithm, typ } });
}
