// Users' export and deletion of their own account: bundles bcryptjs (the password check) and axios (the erasure).
import { accountOwnershipFlow } from '../flows/account-ownership';
import { eraseAccount, profiles } from './account-erasure';
import { passwordAccounts } from './password-accounts';
import { protection } from './protection';
import { tokenSessions } from './token-sessions';

export const accountOwnership = accountOwnershipFlow({ tokenSessions, profiles, protection, passwordAccounts, eraseAccount });
