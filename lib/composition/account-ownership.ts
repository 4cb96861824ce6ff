// A user's own account deletion: bundles bcryptjs (the password check) and axios (the erasure).
import { accountDeletionFlow } from '../flows/account-ownership';
import { eraseAccount } from './account-erasure';
import { passwordAccounts } from './password-accounts';
import { protection } from './protection';

export const accountDeletion = accountDeletionFlow({ protection, passwordAccounts, eraseAccount });
