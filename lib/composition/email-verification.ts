// Verifying an address (lib/flows/recovery.ts verifyEmailFlow): the recovery items and the accounts, no mailer,
// so the email-verify function, which sends nothing, bundles no mail code (issue 27).
import { verifyEmailFlow } from '../flows/recovery';
import { accounts } from './accounts';
import { recoveryStore } from './recovery-store';

export const verifyEmail = verifyEmailFlow({ store: recoveryStore, accounts });
