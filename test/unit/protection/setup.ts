import type { Account } from '../../../lib/accounts/account';
/** Sign-in's password attempt (lib/flows/sign-in.ts), composed on memory as lib/composition composes it, for the protection tests. */
import type { Failure } from '../../../lib/protection/protection';
import { passwordAttempt } from '../../../lib/flows/sign-in';
import type { AppError } from '../../../lib/platform/errors';
import type { Client } from '../../../lib/platform/http';
import type { Limits } from '../../../lib/protection/limits';
import { CONTRACT_LIMITS } from '../../support/attempt-store-contract';
import { composeOnMemory } from '../support/flows';

/** The limits the attempt stores' contract is written for (the production defaults). */
export const LIMITS: Limits = CONTRACT_LIMITS;
export const PASSWORD = 'correct horse battery';
export const INVALID = { status: 401, code: 'invalid_credentials', message: 'Invalid username or password' };
export const TOO_MANY = { status: 429, code: 'too_many_attempts', message: 'Too many failed attempts: try again later' };
export const describeFailure = (error: AppError): Failure => ({ event: 'signin_failed', reason: String(error.cause) });

/** The flow's protection and accounts on memory, with a clock the test moves; `checks` counts the passwords actually checked. */
export async function setup(limits = LIMITS) {
  const world = composeOnMemory({ limits });
  await world.passwordAccounts.signUp('alice', PASSWORD, {
    provision: async () => ({ kind: 'secret', consumerId: 'c1', credentialId: 'cr1', key: 'k1', secret: 's1' }),
    discard: async () => undefined,
    keepOnly: async () => undefined,
  });
  const checks = jest.fn();
  const { protection, passwordAccounts, deviceTokens, clock, advance } = world;
  const counted = {
    get: (username: string) => passwordAccounts.get(username),
    authenticate: (username: string, password: string, stored?: Promise<Account | undefined>) => (checks(username), passwordAccounts.authenticate(username, password, stored)),
  };
  /** The account signed in, with the device token its client gets for the next time. */
  const signIn = async (username: string, password: string, client: Client = { address: '203.0.113.7' }, deviceToken?: string) => {
    const { account, deviceToken: next } = await passwordAttempt({ protection, passwordAccounts: counted, deviceTokens, secondFactors: world.secondFactors }, username, password, client, deviceToken);
    return { ...account, deviceToken: next };
  };
  /** The error a sign-in ends with, its Retry-After header alongside. */
  const refusal = (username: string, password: string, client?: Client, deviceToken?: string) =>
    signIn(username, password, client, deviceToken).then(
      () => undefined,
      (error: AppError) => ({ status: error.status, code: error.code, message: error.message, retryAfter: error.headers?.['Retry-After'] }),
    );
  return { world, clock, attempts: world.stores.attempts, protection, signIn, refusal, advance, checks };
}
