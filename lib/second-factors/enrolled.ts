import type { PasskeyStore } from '../passkeys/store';
import type { SecondFactorStore } from './store';

/** A factor as the operators' view and the user's export show it: what it is and since when, never its secret. */
export interface EnrolledFactor {
  type: string;
  created_at: string | null;
  [field: string]: string | null;
}

/** The account's enrolled second factors (TOTP once confirmed, how many recovery codes are left, each passkey by name). */
export function enrolledFactorsOf(store: Pick<SecondFactorStore, 'getTotp' | 'recoveryCodeCount'>, passkeys?: Pick<PasskeyStore, 'list'>) {
  return async function enrolledFactors(account: { id: string }): Promise<EnrolledFactor[]> {
    const [totp, codes, keys] = await Promise.all([
      store.getTotp(account.id),
      store.recoveryCodeCount(account.id),
      passkeys ? passkeys.list(account.id) : [],
    ]);
    const factors: EnrolledFactor[] = [];
    if (totp?.confirmed) {
      factors.push({ type: 'totp', created_at: new Date(totp.createdAt * 1000).toISOString() });
      if (codes > 0) factors.push({ type: 'recovery_codes', created_at: null, remaining: String(codes) });
    }
    for (const key of keys) factors.push({ type: 'passkey', created_at: new Date(key.createdAt * 1000).toISOString(), name: key.name });
    return factors;
  };
}
