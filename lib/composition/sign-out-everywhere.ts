// Sign-out everywhere: Kong's credentials rotated, without the password rules or the hasher.
import { signOutEverywhereFlow } from '../flows/sign-out-everywhere';
import { kongCredentials } from './kong';
import { subjects } from './subjects';
import { tokenSessions } from './token-sessions';

export const signOutEverywhere = signOutEverywhereFlow({ tokenSessions, kongCredentials, subjects });
