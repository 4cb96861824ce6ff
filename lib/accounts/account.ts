import { AppError } from '../platform/errors';

/**
 * The account's credential at the API gateway: the consumer it is known as
 * there, and what Kong checks its access tokens against. Accounts only keep
 * it; lib/kong makes and checks it. Two kinds, after ACCESS_TOKEN_ALGORITHM:
 */
export type GatewayCredential = SecretCredential | PublicKeyCredentials;

/** HS256 (designs 000/002): one Kong credential, whose key is the tokens' `iss` and whose secret signs them. */
export interface SecretCredential {
  kind: 'secret';
  consumerId: string;
  credentialId: string;
  key: string;
  secret: string;
}

/**
 * ES256/RS256 (designs 001/004): the service's own keys sign, and the account
 * holds no secret. Kong has one credential per signing key the account's
 * tokens carry, holding only that key's public half, keyed `<issuer>.<kid>`
 * (the tokens' `iss`: Kong finds the credential, and so the consumer, by it).
 */
export interface PublicKeyCredentials {
  kind: 'public-key';
  consumerId: string;
  /** Random per account, and replaced to cut off every access token at once (logout-all, password change). */
  issuer: string;
  /** The signing keys Kong has a credential for under `issuer`: with these, signing needs no call to Kong. */
  kids: string[];
}

/** What names a credential for a conditional replace: the key of a secret credential, the issuer of public-key ones. */
export const credentialRef = (credential: GatewayCredential): string => (credential.kind === 'secret' ? credential.key : credential.issuer);

/**
 * An account is `pending` from the moment its username is claimed until the
 * gateway has its credential; only `active` accounts can sign in. An operator
 * may make it `disabled` (and active again); `deleting` marks an erasure that
 * started (lib/flows/account-erasure.ts): nothing signs in, and the name stays
 * taken until the account item itself, the last thing erased, is gone.
 */
export type AccountStatus = 'pending' | 'active' | 'disabled' | 'deleting';

export interface Account {
  /**
   * Immutable, unlike the username, which a new account may take once this
   * one is gone: sessions are bound to it, so nothing outlives its account.
   */
  id: string;
  username: string;
  status: AccountStatus;
  passwordHash: string;
  /** Which signup attempt holds a pending claim. */
  claimId?: string;
  claimedAt: number;
  createdAt: string;
  credential?: GatewayCredential;
  /** Given at registration for browser sessions (lib/accounts/identity.ts); absent for accounts made by signup. */
  email?: string;
  /**
   * Whether the user proved `email` is theirs (lib/recovery): exactly these
   * two names, which the OpenID provider's claims (email, email_verified) are read from.
   */
  emailVerified?: boolean;
  firstName?: string;
}

/** What a browser registration adds to an account: who the user is, for the services behind the gateway. */
export type AccountIdentity = Pick<Account, 'email' | 'firstName'>;

export type ActiveAccount = Account & { status: 'active'; credential: GatewayCredential };

export const isActive = (account: Account | undefined): account is ActiveAccount =>
  account?.status === 'active' && account.credential !== undefined;

/** What the API shows of an account. */
/** Where a signup gets the account's gateway credential, and how it tidies up after. */
export interface CredentialSource {
  provision(): Promise<GatewayCredential>;
  /** Gives back a credential that was made but not stored. */
  discard(credential: GatewayCredential): Promise<void>;
  /** Removes every other credential earlier or concurrent attempts made, once this one is stored. */
  keepOnly(credential: GatewayCredential): Promise<void>;
}

export const publicAccount = (account: ActiveAccount) => ({
  username: account.username,
  consumer_id: account.credential.consumerId,
  created_at: account.createdAt,
});

export const usernameTaken = () => new AppError('username_taken');
/** Same answer for an unknown user and a wrong password; `reason` (the cause) is for the logs only. */
export const invalidCredentials = (reason?: CredentialFailure) =>
  new AppError('invalid_credentials', undefined, { cause: reason });
export const incorrectPassword = () => new AppError('incorrect_password', undefined, { cause: 'wrong_password' });

/** Given only after the right password (a wrong one is invalid_credentials as always): counted as an attempt, so it is no faster an oracle. */
export const accountDisabled = () => new AppError('account_disabled', undefined, { cause: 'account_disabled' });

export type CredentialFailure = 'unknown_user' | 'wrong_password' | 'inactive_account';
export const passwordChangedConcurrently = () => new AppError('conflict');
