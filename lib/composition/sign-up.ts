import { accountCreation, signUpFlow } from '../flows/sign-up';
import { kongCredentials } from './kong';
import { passwordAccounts } from './password-accounts';
import { passwordPolicy } from './password-policy';
import { protection } from './protection';
import { recovery } from './recovery';
import { subjects } from './subjects';

export const createAccount = accountCreation({ protection, passwordPolicy, passwordAccounts, kongCredentials, subjects });
export const claimAddress = (account: Parameters<typeof recovery.claimAddress>[0], address: string) => recovery.claimAddress(account, address);
export const signUp = signUpFlow({ createAccount, claimAddress });
