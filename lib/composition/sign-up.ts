import { accountCreation, signUpFlow } from '../flows/sign-up';
import { kongCredentials } from './kong';
import { passwordAccounts } from './password-accounts';
import { passwordPolicy } from './password-policy';
import { protection } from './protection';
import { subjects } from './subjects';

export const createAccount = accountCreation({ protection, passwordPolicy, passwordAccounts, kongCredentials, subjects });
export const signUp = signUpFlow({ createAccount });
