// The operators' API (docs/admin.md): over accounts, sessions, Kong credentials and the erasure.
import { accountAdminFlow } from '../flows/account-admin';
import { accounts } from './accounts';
import { eraseAccount } from './account-erasure';
import { kongCredentials } from './kong';
import { enrolledFactors } from './second-factor-store';
import { tokenSessions } from './token-sessions';

export const accountAdmin = accountAdminFlow({ accounts, tokenSessions, kongCredentials, eraseAccount, enrolledFactors });
