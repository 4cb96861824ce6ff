import type { SecondFactorStore } from './store';

/** A factor as the operators' view and the user's export show it: what it is and since when, never its secret. */
export interface EnrolledFactor {
  type: string;
  created_at: string | null;
  [field: string]: string | null;
}

/** The account's enrolled second factors (TOTP once confirmed, and how many recovery codes are left). */
export function enrolledFactorsOf(store: Pick<SecondFactorStore, 'getTotp' | 'recoveryCodeCount'>) {
  return async function enrolledFactors(account: { id: string }): Promise<EnrolledFactor[]> {
    const [totp, codes] = await Promise.all([store.getTotp(account.id), store.recoveryCodeCount(account.id)]);
    if (!totp?.confirmed) return [];
    const factors: EnrolledFactor[] = [{ type: 'totp', created_at: new Date(totp.createdAt * 1000).toISOString() }];
    if (codes > 0) factors.push({ type: 'recovery_codes', created_at: null, remaining: String(codes) });
    return factors;
  };
}
