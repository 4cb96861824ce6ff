// The operators' actions on the account and session records only (search, details, sessions, enable): no axios, no erasure.
import { accountRecordsAdminFlow } from '../flows/account-admin';
import { accounts } from './accounts';
import { enrolledFactors } from './second-factor-store';
import { tokenSessions } from './token-sessions';

export const accountRecordsAdmin = accountRecordsAdminFlow({ accounts, tokenSessions, enrolledFactors });
