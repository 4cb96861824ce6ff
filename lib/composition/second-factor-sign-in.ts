// The second step of a token sign-in: no hasher (the password was checked by the first step).
import { secondFactorSignInFlow } from '../flows/sign-in';
import { accounts } from './accounts';
import { deviceTokens } from './device-tokens';
import { passkeys } from './passkeys';
import { protection } from './protection';
import { secondFactors } from './second-factors';
import { subjects } from './subjects';
import { tokenSessions } from './token-sessions';

export const signInWithSecondFactor = secondFactorSignInFlow({ protection, accounts, deviceTokens, secondFactors, passkeys, tokenSessions, subjects });
