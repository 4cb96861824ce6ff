import { createHash, randomBytes } from 'node:crypto';
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

// Not lib/platform/dynamodb's, which reads the service's settings on import: the in-memory store below serves unit tests.
const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** How long an authorization code lives (RFC 6749 §4.1.2: short, ten minutes at most). */
export const CODE_TTL_SECONDS = 60;

/** What a code was issued for: everything the token request must match, and what the ID token says. */
export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  /** PKCE S256 challenge (RFC 7636 §4.2), required for every client. */
  codeChallenge: string;
  scope: string;
  nonce?: string;
  accountId: string;
  username: string;
  /** When the user signed in, and how (OIDC Core §2): from the browser session (lib/flows/authentication.ts). */
  authTime: number;
  amr: string[];
  expiresAt: number;
}

/** A redeemed code's fate: the code itself, or why not. */
export type Redemption = { code: AuthorizationCode } | { reused: true; sessionId?: string } | { unknown: true };

export interface AuthorizationCodeStore {
  /** Stores a code by its hash. */
  issue(hash: string, code: AuthorizationCode): Promise<void>;
  /** Marks the code used, once: a second redemption learns what the first issued (its session), to revoke it. */
  redeem(hash: string, now: number): Promise<Redemption>;
  /** Records the session the code's tokens belong to; answers whether the code was presented again meanwhile. */
  issued(hash: string, sessionId: string): Promise<{ reusedMeanwhile: boolean }>;
}

export const newCode = () => {
  const code = randomBytes(32).toString('base64url');
  return { code, hash: hashCode(code) };
};
export const hashCode = (code: string) => createHash('sha256').update(code, 'utf8').digest('hex');

/** The PKCE S256 transform (RFC 7636 §4.6). */
export const s256 = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/**
 * Codes in the tokens table under `oauth-code#<sha256>`, expiring through
 * its TTL (`expiresAt`; DynamoDB deletes late, so expiry is checked on read).
 */
export class DynamoDBAuthorizationCodeStore implements AuthorizationCodeStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async issue(hash: string, code: AuthorizationCode): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.table, Item: { id: `oauth-code#${hash}`, ...code }, ConditionExpression: 'attribute_not_exists(id)' }));
  }

  async redeem(hash: string, now: number): Promise<Redemption> {
    const Key = { id: `oauth-code#${hash}` };
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key,
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(usedAt) AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const { id: _id, usedAt: _used, ...code } = Attributes ?? {};
      return { code: code as AuthorizationCode };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // Used already (or expired): say so, and remember it was presented again.
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({ TableName: this.table, Key, UpdateExpression: 'SET reused = :yes', ConditionExpression: 'attribute_exists(usedAt)', ExpressionAttributeValues: { ':yes': true }, ReturnValues: 'ALL_NEW' }),
      );
      return { reused: true, sessionId: Attributes?.sessionId as string | undefined };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { unknown: true };
    }
  }

  async issued(hash: string, sessionId: string): Promise<{ reusedMeanwhile: boolean }> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({ TableName: this.table, Key: { id: `oauth-code#${hash}` }, UpdateExpression: 'SET sessionId = :sid', ExpressionAttributeValues: { ':sid': sessionId }, ReturnValues: 'ALL_NEW' }),
    );
    return { reusedMeanwhile: Attributes?.reused === true };
  }
}

/** The store in memory (unit tests). */
export class InMemoryAuthorizationCodeStore implements AuthorizationCodeStore {
  private readonly codes = new Map<string, AuthorizationCode & { usedAt?: number; sessionId?: string; reused?: boolean }>();
  async issue(hash: string, code: AuthorizationCode) {
    this.codes.set(hash, { ...code });
  }
  async redeem(hash: string, now: number): Promise<Redemption> {
    const item = this.codes.get(hash);
    if (!item) return { unknown: true };
    if (item.usedAt !== undefined) {
      item.reused = true;
      return { reused: true, sessionId: item.sessionId };
    }
    if (item.expiresAt <= now) return { unknown: true };
    item.usedAt = now;
    const { usedAt: _u, sessionId: _s, reused: _r, ...code } = item;
    return { code };
  }
  async issued(hash: string, sessionId: string) {
    const item = this.codes.get(hash)!;
    item.sessionId = sessionId;
    return { reusedMeanwhile: item.reused === true };
  }
}
