// Sign-in on /signin: the hasher, no password rules, no Admin API client; a passkey second step's options, no WebAuthn verifier.
import { config } from '../platform/config';
import { browserSignInFlow } from '../flows/browser';
import { browserSessions } from './browser-sessions';
import { deviceTokens } from './device-tokens';
import { passkeySecondStep } from './passkey-second-step';
import { passwordAccounts } from './password-accounts';
import { protection } from './protection';
import { secondFactors } from './second-factors';

export const browserSignIn = browserSignInFlow({ requireVerifiedEmail: config.recovery.requireVerifiedEmail, protection, passwordAccounts, deviceTokens, secondFactors, passkeys: passkeySecondStep, browserSessions });
