// The sign-in page's second step: no hasher, no Admin API client.
import { browserSecondFactorSignInFlow } from '../flows/browser';
import { accounts } from './accounts';
import { browserSessions } from './browser-sessions';
import { deviceTokens } from './device-tokens';
import { protection } from './protection';
import { secondFactors } from './second-factors';

export const browserSignInWithSecondFactor = browserSecondFactorSignInFlow({ protection, accounts, deviceTokens, secondFactors, browserSessions });
