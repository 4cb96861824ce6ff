import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConditionalCheckFailedException, consistentGet } from '../platform/dynamodb';
import { log } from '../platform/log';
import { FIRST_DELAY_MS, type Limits } from './limits';
import type { Admission, AttemptStore } from './store';

/**
 * The attempts table, keyed by `id`, every item expiring through the TTL
 * attribute `expiresAt` (seconds) once it no longer matters:
 * - `user#<username>`: { attempts, nextDelayMs, blockedUntil, lastAttemptAt },
 *   for any name tried, whether or not an account has it; the same for a
 *   trusted client's own lane (protection.ts), `user#device#<nonce>` or
 *   `user#session#<id>` (no username holds a `#`);
 * - `addr#<address>`: { failures, windowStart, blockedUntil }.
 * Times are epoch milliseconds. A table of its own rather than items in the
 * tokens table: it is written on every attempt, by anyone, for names that do
 * not exist, so its growth and its write rate during an attack stay apart from
 * the sessions' (and their GSI), and nothing in it needs a backup.
 */
const userKey = (key: string) => ({ id: `user#${key}` });
const addressKey = (address: string) => ({ id: `addr#${address}` });

/** Rounds of conditional writes before giving up on an attempt that keeps racing others (it is then refused for a second). */
const MAX_ROUNDS = 5;

interface UserItem {
  attempts: number;
  nextDelayMs: number;
  blockedUntil: number;
  lastAttemptAt: number;
}

interface AddressItem {
  failures: number;
  windowStart: number;
  blockedUntil?: number;
}

/** The outcome of a conditional update: the item after it, or the item as it was when its condition failed. */
type Write<T> = { applied: true; item: T } | { applied: false; current?: T };

export class DynamoDBAttemptStore implements AttemptStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly limits: Limits,
  ) {}

  /**
   * The backoff as one conditional update. DynamoDB cannot compute
   * 2^n, but it can add an attribute to itself: each attempt sets
   * blockedUntil = now + nextDelayMs and doubles nextDelayMs. The delays
   * start small enough (FIRST_DELAY_MS / 2^freeFailures) to reach
   * FIRST_DELAY_MS at attempt freeFailures + 1; until then the condition
   * lets attempts through whatever blockedUntil says. Two rarer cases take a
   * second write: the cap (nextDelayMs past the maximum stops doubling) and
   * the decay after a quiet period (the count starts over).
   */
  async begin(key: string, now: number): Promise<Admission> {
    const { freeFailures, maxDelaySeconds, resetAfterSeconds } = this.limits;
    const capMs = maxDelaySeconds * 1000;
    const quietBefore = now - resetAfterSeconds * 1000;
    const firstDelayMs = FIRST_DELAY_MS / 2 ** freeFailures;
    const expiresAt = Math.ceil((now + resetAfterSeconds * 1000) / 1000);
    const update = (input: Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'>) =>
      this.update<UserItem>({ Key: userKey(key), ...input, ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':now': now, ':expiresAt': expiresAt } });

    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const counted = await update({
        UpdateExpression:
          'SET attempts = if_not_exists(attempts, :zero) + :one, blockedUntil = :now + if_not_exists(nextDelayMs, :first), ' +
          'nextDelayMs = if_not_exists(nextDelayMs, :first) + if_not_exists(nextDelayMs, :first), lastAttemptAt = :now, expiresAt = :expiresAt',
        ConditionExpression:
          'attribute_not_exists(attempts) OR (lastAttemptAt > :quietBefore AND nextDelayMs <= :cap AND (attempts <= :free OR blockedUntil <= :now))',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':first': firstDelayMs, ':quietBefore': quietBefore, ':cap': capMs, ':free': freeFailures },
      });
      if (counted.applied) return { admitted: true, attempt: counted.item.attempts };

      const current = counted.current;
      let next: Write<UserItem> | undefined;
      if (!current) continue; // reset meanwhile: count again
      if (current.lastAttemptAt <= quietBefore) {
        // Quiet long enough: this is the first attempt of a new count.
        next = await update({
          UpdateExpression: 'SET attempts = :one, blockedUntil = :blockedUntil, nextDelayMs = :second, lastAttemptAt = :now, expiresAt = :expiresAt',
          ConditionExpression: 'lastAttemptAt <= :quietBefore',
          ExpressionAttributeValues: { ':one': 1, ':blockedUntil': now + firstDelayMs, ':second': 2 * firstDelayMs, ':quietBefore': quietBefore },
        });
      } else if (current.attempts > freeFailures && current.blockedUntil > now) {
        return { admitted: false, retryAt: current.blockedUntil };
      } else if (current.nextDelayMs > capMs) {
        // Past the cap: every further failure holds the name off for the maximum, no longer.
        next = await update({
          UpdateExpression: 'SET attempts = attempts + :one, blockedUntil = :blockedUntil, lastAttemptAt = :now, expiresAt = :expiresAt',
          ConditionExpression: 'lastAttemptAt > :quietBefore AND nextDelayMs > :cap AND blockedUntil <= :now',
          ExpressionAttributeValues: { ':one': 1, ':blockedUntil': now + capMs, ':quietBefore': quietBefore, ':cap': capMs },
        });
      }
      if (next?.applied) return { admitted: true, attempt: next.item.attempts };
    }
    log.warn('attempt kept racing others: refused for a second', { key });
    return { admitted: false, retryAt: now + 1000 };
  }

  async reset(key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: userKey(key) }));
  }

  async blockedUntil(address: string, now: number): Promise<number | undefined> {
    // Sign-in reads it beside the account (one BatchGetItem, consistentGet).
    const item = await consistentGet(this.client, this.table, addressKey(address));
    const blockedUntil = (item as AddressItem | undefined)?.blockedUntil;
    return blockedUntil !== undefined && blockedUntil > now ? blockedUntil : undefined;
  }

  /**
   * A fixed window per address: counted with one conditional increment while
   * the window lasts and the limit is not reached; a new window, or the block
   * (by the failure that reaches the limit, and only that one), takes the
   * other writes.
   */
  async recordFailure(address: string, now: number): Promise<number | undefined> {
    const { addressFailures, addressWindowSeconds, addressBlockSeconds } = this.limits;
    const windowBefore = now - addressWindowSeconds * 1000;
    const blockedUntil = now + addressBlockSeconds * 1000;
    // Long enough for a block begun in any window to run out.
    const expiresAt = Math.ceil((now + Math.max(addressWindowSeconds, addressBlockSeconds) * 1000) / 1000);
    const Key = addressKey(address);

    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const counted = await this.update<AddressItem>({
        Key,
        UpdateExpression: 'SET failures = failures + :one',
        ConditionExpression: 'windowStart > :windowBefore AND failures < :lastFree',
        ExpressionAttributeValues: { ':one': 1, ':windowBefore': windowBefore, ':lastFree': addressFailures - 1 },
      });
      if (counted.applied) return undefined;

      const current = counted.current;
      if (addressFailures > 1 && (!current || current.windowStart <= windowBefore)) {
        // A new window; a block still running (a failure that was under way when it began) stays.
        const opened = await this.update<AddressItem>({
          Key,
          UpdateExpression: 'SET failures = :one, windowStart = :now, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(id) OR windowStart <= :windowBefore',
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':expiresAt': expiresAt, ':windowBefore': windowBefore },
        });
        if (opened.applied) return undefined;
      } else {
        // This failure reaches the limit: it blocks the address, and the count starts over.
        const blocked = await this.update<AddressItem>({
          Key,
          UpdateExpression: 'SET failures = :zero, windowStart = :now, blockedUntil = :blockedUntil, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(id) OR windowStart <= :windowBefore OR failures >= :lastFree',
          ExpressionAttributeValues: {
            ':zero': 0,
            ':now': now,
            ':blockedUntil': blockedUntil,
            ':expiresAt': expiresAt,
            ':windowBefore': windowBefore,
            ':lastFree': addressFailures - 1,
          },
        });
        if (blocked.applied) return blockedUntil;
      }
    }
    log.warn('address failure kept racing others: not counted', { address });
    return undefined;
  }

  /** A conditional update answering the new item, or the current one when its condition failed (no second read). */
  private async update<T>(input: Omit<UpdateCommandInput, 'TableName' | 'ReturnValues' | 'ReturnValuesOnConditionCheckFailure'>): Promise<Write<T>> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({ ...input, TableName: this.table, ReturnValues: 'ALL_NEW', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      );
      return { applied: true, item: Attributes as T };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The document client leaves the error's item in DynamoDB's own notation.
      return { applied: false, current: error.Item ? (unmarshall(error.Item) as T) : undefined };
    }
  }
}
