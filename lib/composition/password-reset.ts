// The password reset: the hasher, the password rules and the Admin API client (sessions end as sign-out everywhere ends them).
import { passwordResetFlow } from '../flows/recovery';
import { kongCredentials } from './kong';
import { passwordAccounts } from './password-accounts';
import { passwordPolicy } from './password-policy';
import { recoveryDeps } from './recovery';
import { subjects } from './subjects';
import { tokenSessions } from './token-sessions';

export const resetPassword = passwordResetFlow({ ...recoveryDeps, passwordPolicy, passwordAccounts, tokenSessions, kongCredentials, subjects });
