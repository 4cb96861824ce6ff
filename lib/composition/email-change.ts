// The email change (lib/flows/email-change.ts): the API route and the security page share it.
import { emailChangeFlow } from '../flows/email-change';
import { passwordAccounts } from './password-accounts';
import { protection } from './protection';
import { recovery } from './recovery';
import { secondFactorChange } from './second-factor-changes';

export const changeEmail = emailChangeFlow({ protection, passwordAccounts, stepUp: secondFactorChange.stepUp, requestEmailChange: recovery.requestEmailChange });
