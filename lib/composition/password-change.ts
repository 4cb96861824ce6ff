import { passwordChangeFlow } from '../flows/password-change';
import { deviceTokens } from './device-tokens';
import { kongCredentials } from './kong';
import { passwordAccounts } from './password-accounts';
import { passwordPolicy } from './password-policy';
import { protection } from './protection';
import { secondFactorChange } from './second-factor-changes';
import { subjects } from './subjects';
import { tokenSessions } from './token-sessions';

export const changePassword = passwordChangeFlow({ passwordPolicy, protection, passwordAccounts, tokenSessions, kongCredentials, subjects, deviceTokens, stepUp: secondFactorChange.stepUp });
