/**
 * Every flow composed as lib/composition composes it, over the in-memory
 * stores, a fake Kong Admin API and plain-text "hashes": the flows' unit
 * tests and the protection tests start here. HS256 mode (each account's own
 * Kong secret signs) unless `signingKeys` is given.
 */
import { Accounts } from '../../../lib/accounts/accounts';
import { PasswordAccounts } from '../../../lib/accounts/password-accounts';
import { PasswordPolicy, type StrengthEstimator } from '../../../lib/accounts/password-policy';
import { BrowserSessions } from '../../../lib/browser-sessions/browser-sessions';
import { accessTokenCheck } from '../../../lib/flows/access-token';
import { IdentityTokenCache } from '../../../lib/browser-sessions/identity-cache';
import { accountAdminFlow } from '../../../lib/flows/account-admin';
import { accountErasureFlow, coreErasers } from '../../../lib/flows/account-erasure';
import { accountOwnershipFlow } from '../../../lib/flows/account-ownership';
import { enrolledFactorsOf } from '../../../lib/second-factors/enrolled';
import { browserIdentityFlow, browserPasskeySignInFlow, browserSignInFlow, browserSignUpFlow } from '../../../lib/flows/browser';
import { callerAuthentication } from '../../../lib/flows/caller';
import { introspection } from '../../../lib/flows/introspection';
import { passwordChangeFlow } from '../../../lib/flows/password-change';
import { refreshFlow } from '../../../lib/flows/refresh';
import { secondFactorSignInFlow, signInFlow, passkeySignInFlow } from '../../../lib/flows/sign-in';
import { SecondFactors } from '../../../lib/second-factors/second-factors';
import { passkeyChanges, passkeyRegistration, secondFactorChanges } from '../../../lib/flows/second-factors';
import { signOutEverywhereFlow } from '../../../lib/flows/sign-out-everywhere';
import { accountCreation, signUpFlow } from '../../../lib/flows/sign-up';
import { tokenSubjects } from '../../../lib/flows/subject';
import type { IdentityTokenSigner } from '../../../lib/identity-tokens/identity-tokens';
import type { SigningKeys } from '../../../lib/keys/signing-keys';
import { KongCredentials } from '../../../lib/kong/credentials';
import { DeviceTokens } from '../../../lib/protection/device-tokens';
import type { Limits } from '../../../lib/protection/limits';
import { Protection } from '../../../lib/protection/protection';
import { TokenSessions } from '../../../lib/token-sessions/token-sessions';
import { VerifyingAccessTokens } from '../../../lib/tokens/access-token-verifier';
import { CONTRACT_LIMITS } from '../../support/attempt-store-contract';
import { ACCESS_TOKEN_PROFILE } from './access-token-profile';
import { Profiles } from '../../../lib/profiles/profiles';
import { MemoryBrowserSessionStore, MemoryProfileStore } from './memory-browser-stores';
import { MemorySecondFactorStore, MemorySecretBox } from './memory-second-factors';
import { MemoryPasskeyStore } from './memory-passkeys';
import { Passkeys } from '../../../lib/passkeys/passkeys';
import { FakeKongAdmin, MemoryAccountStore, MemoryAttemptStore, MemoryTokenSessionStore, plainHasher } from './memory-stores';

/** A password the stand-in estimator below finds strong, and long enough for the policy's 15. */
export const PASSWORD = 'correct horse battery staple';
/** Strong unless it says "weak" or repeats one character: the flows' tests check the flows, not zxcvbn. */
/** The relying party the unit tests' passkeys are made for. */
export const PASSKEY_ORIGIN = 'https://auth.example.test';
export const PASSKEY_SETTINGS = { rpId: 'auth.example.test', rpName: 'Unit Tests', origins: [PASSKEY_ORIGIN], challengeSeconds: 300 };

export const plainEstimator: StrengthEstimator = (password) => (/weak|^(.)\1*$/.test(password) ? 0 : 4);

export interface MemoryWorld {
  limits?: Limits;
  /** ES256/RS256 mode: the service's keys sign and verify. */
  signingKeys?: SigningKeys;
  identityTokens?: Pick<IdentityTokenSigner, 'sign'>;
}

export function composeOnMemory({ limits = CONTRACT_LIMITS, signingKeys, identityTokens }: MemoryWorld = {}) {
  const clock = { now: 1_700_000_000_000 };
  const accountStore = new MemoryAccountStore();
  const tokenSessionStore = new MemoryTokenSessionStore();
  // The sign-out epoch is one per user, shared by both kinds of session, as on the tokens table.
  const browserSessionStore = new MemoryBrowserSessionStore(tokenSessionStore.epochs);
  const attemptStore = new MemoryAttemptStore(limits);
  const kongAdmin = new FakeKongAdmin();
  const profileStore = new MemoryProfileStore();
  const profiles = new Profiles(profileStore);

  const accounts = new Accounts(accountStore);
  const passwordAccounts = new PasswordAccounts(accountStore, plainHasher);
  const passwordPolicy = new PasswordPolicy(15, async () => plainEstimator);
  const protection = new Protection(attemptStore, limits, () => clock.now);
  const accessTokens = new VerifyingAccessTokens(900, 3600, ACCESS_TOKEN_PROFILE);
  const tokenSessions = new TokenSessions(tokenSessionStore, accessTokens, 3600, 60);
  const browserSessions = new BrowserSessions(browserSessionStore, { idleSeconds: 1800, absoluteSeconds: 43200 });
  const kongCredentials = new KongCredentials(kongAdmin, accounts);
  // Revoked by the sign-out epoch, as lib/composition/device-tokens.ts reads it from the tokens table.
  const deviceTokens = new DeviceTokens({
    secret: 'a device-token secret for the unit tests only',
    ttlSeconds: 90 * 24 * 3600,
    epoch: (username) => tokenSessionStore.epoch(username),
    clock: () => clock.now,
  });
  const secondFactorStore = new MemorySecondFactorStore();
  const passkeyStore = new MemoryPasskeyStore();
  const passkeys = new Passkeys(passkeyStore, PASSKEY_SETTINGS, () => clock.now);
  const secondFactors = new SecondFactors(
    secondFactorStore,
    new MemorySecretBox(),
    { issuer: 'Unit Tests', pendingSignInSeconds: 300, maxCodeFailures: 3 },
    () => clock.now,
    passkeyStore,
  );
  const changes = secondFactorChanges({ secondFactors, protection, stepUpSeconds: 300 });
  const noKeys = { verificationKey: async () => undefined };

  const subjects = tokenSubjects({ kongCredentials, signingKeys });
  const checkAccessToken = accessTokenCheck({ accounts, tokenSessions, accessTokens, signingKeys: signingKeys ?? noKeys });
  const createAccount = accountCreation({ protection, passwordPolicy, passwordAccounts, kongCredentials, subjects });
  const erasers = [
    ...coreErasers({ kongCredentials, tokenSessions, browserSessions, profiles, protection }),
    { name: 'second-factors', erase: (s: { accountId: string }) => secondFactorStore.erase(s.accountId) },
    { name: 'passkeys', erase: (s: { accountId: string }) => passkeyStore.erase(s.accountId) },
  ];
  const enrolledFactors = enrolledFactorsOf(secondFactorStore, passkeyStore);
  const eraseAccount = accountErasureFlow({ accounts, erasers });
  // As lib/flows/recovery.ts gives an address (unverified), without its mail and uniqueness item.
  const claimAddress = async (account: { username: string }, address: string) => {
    const stored = accountStore.accounts.get(account.username);
    if (stored) Object.assign(stored, { email: address, emailVerified: false });
  };
  const unusedIdentity = { sign: async () => Promise.reject(new Error('no identity tokens in this world')) };

  return {
    clock,
    advance: (seconds: number) => void (clock.now += seconds * 1000),
    stores: { accounts: accountStore, tokenSessions: tokenSessionStore, browserSessions: browserSessionStore, attempts: attemptStore, profiles: profileStore, secondFactors: secondFactorStore, passkeys: passkeyStore },
    kongAdmin,
    accessTokens,
    tokenSessions,
    browserSessions,
    protection,
    passwordAccounts,
    deviceTokens,
    secondFactors,
    passkeys,
    subjects,
    checkAccessToken,
    createAccount,
    authenticateCaller: callerAuthentication({ checkAccessToken }),
    signUp: signUpFlow({ createAccount, claimAddress }),
    signIn: signInFlow({ protection, passwordAccounts, deviceTokens, secondFactors, passkeys, tokenSessions, subjects }),
    secondFactorChanges: changes,
    // One rule set for tokens and browser sessions: a caller is an account and how its session signed in.
    passkeyChanges: passkeyChanges({ passkeys, secondFactors, stepUp: changes.stepUp }),
    passkeyRegistration: passkeyRegistration({ passkeys, secondFactors, stepUp: changes.stepUp }),
    signInWithPasskey: passkeySignInFlow({ protection, accounts, deviceTokens, passkeys, tokenSessions, subjects }),
    signInWithSecondFactor: secondFactorSignInFlow({ protection, accounts, deviceTokens, secondFactors, passkeys, tokenSessions, subjects }),
    refresh: refreshFlow({ accounts, tokenSessions, subjects }),
    signOutEverywhere: signOutEverywhereFlow({ tokenSessions, kongCredentials, subjects }),
    changePassword: passwordChangeFlow({ passwordPolicy, protection, passwordAccounts, tokenSessions, kongCredentials, subjects, deviceTokens, stepUp: changes.stepUp }),
    introspect: introspection({ checkAccessToken, tokenSessions, accounts, refreshTokens: ACCESS_TOKEN_PROFILE }),
    browserSignIn: browserSignInFlow({ protection, passwordAccounts, deviceTokens, secondFactors, browserSessions }),
    browserSignUp: browserSignUpFlow({ createAccount, claimAddress }),
    // Passkeys in browser sessions (the sign-in page, the security page).
    browserSignInWithPasskey: browserPasskeySignInFlow({ protection, accounts, deviceTokens, passkeys, browserSessions }),
    profiles,
    erasers,
    eraseAccount,
    accountAdmin: accountAdminFlow({ accounts, tokenSessions, kongCredentials, eraseAccount, enrolledFactors }),
    accountOwnership: accountOwnershipFlow({ tokenSessions, profiles, protection, passwordAccounts, eraseAccount, enrolledFactors, stepUp: changes.stepUp }),
    identityOf: browserIdentityFlow({ identityTokens: identityTokens ?? unusedIdentity, audience: 'userprofile', ttlSeconds: 60, cache: new IdentityTokenCache(), clock: () => clock.now }),
  };
}

export type Flows = ReturnType<typeof composeOnMemory>;

/** A protected request as Kong hands it on: the bearer token, and the consumer Kong matched when given. */
export const bearer = (token: string, headers: Record<string, string> = {}) =>
  ({ headers: { authorization: `Bearer ${token}`, ...headers } }) as unknown as Parameters<Flows['authenticateCaller']>[0];
