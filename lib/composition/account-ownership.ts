// A user's own account deletion: bundles bcryptjs (the password check), axios (the erasure) and the second-factor check.
import { accountDeletionFlow } from '../flows/account-ownership';
import { eraseAccount } from './account-erasure';
import { passwordAccounts } from './password-accounts';
import { protection } from './protection';
import { secondFactorChange } from './second-factor-changes';

export const accountDeletion = accountDeletionFlow({ protection, passwordAccounts, eraseAccount, stepUp: secondFactorChange.stepUp });
