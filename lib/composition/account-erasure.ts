// Account erasure: every capability's eraser over its real store, and the Kong Admin API (axios).
import { accountErasureFlow, coreErasers } from '../flows/account-erasure';
import { accounts } from './accounts';
import { browserSessions } from './browser-sessions';
import { consents } from './consent-store';
import { profiles } from './erasure-profiles';
import { kongCredentials } from './kong';
import { protection } from './protection';
import { recoveryStore } from './recovery-store';
import { passkeyStore, secondFactorStore } from './second-factor-store';
import { tokenSessions } from './token-sessions';

/** Later capabilities append their erasers here (lib/flows/account-erasure.ts, coreErasers). */
export const eraseAccount = accountErasureFlow({
  accounts,
  erasers: [
    ...coreErasers({ kongCredentials, tokenSessions, browserSessions, profiles, protection }),
    // Pending reset and verification links, and the address's uniqueness item (lib/recovery).
    // TOTP and recovery codes (lib/second-factors); pending second steps expire within minutes and need the account.
    { name: 'second-factors', erase: (s) => secondFactorStore.erase(s.accountId) },
    // Passkeys (lib/passkeys): the credentials, their owner lookups and the list; challenges expire within minutes.
    { name: 'passkeys', erase: (s) => passkeyStore.erase(s.accountId) },
    // What the user allowed OAuth clients (lib/oauth-clients); their codes expire within a minute and need the account.
    { name: 'oauth-consents', erase: (s) => consents.erase(s.accountId) },
    { name: 'recovery', erase: (s) => recoveryStore.eraseRecoveryData({ username: s.username, accountId: s.accountId }, s.email) },
  ],
});
