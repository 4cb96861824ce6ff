// Account recovery and verified email (lib/flows/recovery.ts): the recovery items on the tokens table, the mailer.
import { recoveryFlows, type RecoveryDeps } from '../flows/recovery';
import { config } from '../platform/config';
import { accounts } from './accounts';
import { mailContext, mailer } from './mail';
import { recoveryStore } from './recovery-store';

/**
 * Long enough to cover an SMTP or SES send (tens to a few hundred ms), so that
 * a forgot-password answer for a known account takes as long as for none.
 */
export const MINIMUM_FORGOT_MS = 800;

export const recoveryDeps: RecoveryDeps = {
  store: recoveryStore,
  accounts,
  mailer,
  mail: mailContext,
  limits: config.recovery,
  minimumForgotMs: MINIMUM_FORGOT_MS,
};

export const recovery = recoveryFlows(recoveryDeps);
