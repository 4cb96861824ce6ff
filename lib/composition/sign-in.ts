import { config } from '../platform/config';
import { signInFlow } from '../flows/sign-in';
import { deviceTokens } from './device-tokens';
import { passkeySecondStep } from './passkey-second-step';
import { passwordAccounts } from './password-accounts';
import { protection } from './protection';
import { secondFactors } from './second-factors';
import { subjects } from './subjects';
import { tokenSessions } from './token-sessions';

export const signIn = signInFlow({ requireVerifiedEmail: config.recovery.requireVerifiedEmail, protection, passwordAccounts, deviceTokens, secondFactors, passkeys: passkeySecondStep, tokenSessions, subjects });
