// A passwordless token sign-in with a passkey: no hasher, no KMS seal (no password, no TOTP secret).
import { passkeySignInFlow } from '../flows/sign-in';
import { config } from '../platform/config';
import { accounts } from './accounts';
import { deviceTokens } from './device-tokens';
import { passkeys } from './passkeys';
import { protection } from './protection';
import { subjects } from './subjects';
import { tokenSessions } from './token-sessions';

export const signInWithPasskey = passkeySignInFlow({
  protection,
  accounts,
  deviceTokens,
  passkeys,
  tokenSessions,
  subjects,
  requireVerifiedEmail: config.recovery.requireVerifiedEmail,
});
