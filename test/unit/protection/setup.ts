/** Accounts and protection composed as signin composes them, for the protection tests. */
import { PasswordAccounts } from '../../../lib/accounts/password-accounts';
import type { GatewayCredential } from '../../../lib/accounts/account';
import { AppError } from '../../../lib/platform/errors';
import type { Client } from '../../../lib/platform/http';
import type { Limits } from '../../../lib/protection/limits';
import { Protection, type Failure } from '../../../lib/protection/protection';
import { CONTRACT_LIMITS } from '../../support/attempt-store-contract';
import { MemoryAccountStore, MemoryAttemptStore, plainHasher } from '../support/memory-stores';

/** The limits the attempt stores' contract is written for (the production defaults). */
export const LIMITS: Limits = CONTRACT_LIMITS;
const credential: GatewayCredential = { kind: 'secret', consumerId: 'c1', credentialId: 'cr1', key: 'k1', secret: 's1' };
const source = { provision: async () => credential, discard: async () => undefined, keepOnly: async () => undefined };
export const PASSWORD = 'correct horse battery';
export const INVALID = { status: 401, code: 'invalid_credentials', message: 'Invalid username or password' };
export const TOO_MANY = { status: 429, code: 'too_many_attempts', message: 'Too many failed attempts: try again later' };
export const describeFailure = (error: AppError): Failure => ({ event: 'signin_failed', reason: String(error.cause) });

/** Accounts and protection as signin composes them (lib/flows/signin.ts), on memory, with a clock the test moves. */
export async function setup(limits = LIMITS) {
  const clock = { now: 1_700_000_000_000 };
  const attempts = new MemoryAttemptStore(limits);
  const accounts = new PasswordAccounts(new MemoryAccountStore(), plainHasher);
  await accounts.signUp('alice', PASSWORD, source);
  const checks = jest.fn();
  const protection = new Protection(attempts, limits, () => clock.now);
  const signIn = async (username: string, password: string, client: Client = { address: '203.0.113.7' }) => {
    await protection.admit(client);
    return protection.attempt(username, client, () => (checks(username), accounts.authenticate(username, password)), describeFailure);
  };
  /** The error a sign-in ends with, its Retry-After header alongside. */
  const refusal = (username: string, password: string, client?: Client) =>
    signIn(username, password, client).then(
      () => undefined,
      (error: AppError) => ({ status: error.status, code: error.code, message: error.message, retryAfter: error.headers?.['Retry-After'] }),
    );
  const advance = (seconds: number) => void (clock.now += seconds * 1000);
  return { clock, attempts, protection, signIn, refusal, advance, checks };
}
