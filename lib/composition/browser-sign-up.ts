// Sign-up on /register: the token sign-up's account creation, with the identity fields.
import { browserSignUpFlow } from '../flows/browser';
import { claimAddress, createAccount } from './sign-up';

export const browserSignUp = browserSignUpFlow({ createAccount, claimAddress });
