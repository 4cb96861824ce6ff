// The sign-in page's passkey sign-in: no hasher, no KMS (no password, no TOTP secret, no tokens signed).
import { browserPasskeySignInFlow } from '../flows/browser';
import { config } from '../platform/config';
import { accounts } from './accounts';
import { browserSessions } from './browser-sessions';
import { deviceTokens } from './device-tokens';
import { passkeys } from './passkeys';
import { protection } from './protection';

export const browserSignInWithPasskey = browserPasskeySignInFlow({
  protection,
  accounts,
  deviceTokens,
  passkeys,
  browserSessions,
  requireVerifiedEmail: config.recovery.requireVerifiedEmail,
});
