import type { ActiveAccount } from '../accounts/account';
import type { Passkeys } from '../passkeys/passkeys';
import type { Client } from '../platform/http';
import type { PresentedCode } from '../second-factors/second-factors';
import type { SecondFactorChanges, StepUpCaller } from './second-factors';

export interface PasskeyChangeDeps {
  passkeys: Pick<Passkeys, 'list' | 'rename' | 'remove'>;
  secondFactorChanges: Pick<SecondFactorChanges, 'status' | 'requireCode'>;
}

/**
 * Passkeys managed by their owner on the security page: list, rename,
 * remove (adding one is the registration ceremony of the page's script,
 * functions/session/passkeys.ts, straight on the capability). Removing one
 * asks what turning the authenticator app off asks (OWASP MFA cheat sheet:
 * re-authenticate before removing a factor): a current TOTP or recovery code
 * when the app is on, counted on the account's backoff. Without the app
 * there is no code to ask; the password stays what it was before the
 * passkey was added.
 */
export function passkeyChanges({ passkeys, secondFactorChanges }: PasskeyChangeDeps) {
  return {
    list: (account: ActiveAccount) => passkeys.list(account.id),
    rename: (account: ActiveAccount, credentialId: string, name: string) => passkeys.rename(account.id, credentialId, name),
    async remove(caller: StepUpCaller, credentialId: string, presented: PresentedCode, client: Client) {
      // The app specifically, not any method: a passkey is never a code to type.
      if ((await secondFactorChanges.status(caller)).totp) await secondFactorChanges.requireCode(caller, presented, client);
      await passkeys.remove(caller.account, credentialId);
    },
  };
}

export type PasskeyChanges = ReturnType<typeof passkeyChanges>;
