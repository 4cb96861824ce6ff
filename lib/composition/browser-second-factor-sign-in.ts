// The sign-in page's second step: no hasher, no Admin API client; WebAuthn's verifier for a passkey second step.
import { browserSecondFactorSignInFlow } from '../flows/browser';
import { accounts } from './accounts';
import { browserSessions } from './browser-sessions';
import { deviceTokens } from './device-tokens';
import { passkeys } from './passkeys';
import { protection } from './protection';
import { secondFactors } from './second-factors';

export const browserSignInWithSecondFactor = browserSecondFactorSignInFlow({ protection, accounts, deviceTokens, secondFactors, passkeys, browserSessions });
