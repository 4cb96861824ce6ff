// A user's export of everything held about them: neither the hasher nor the Kong client.
import { accountExportFlow } from '../flows/account-ownership';
import { profiles } from './erasure-profiles';
import { enrolledFactors } from './second-factor-store';
import { tokenSessions } from './token-sessions';

export const accountExport = accountExportFlow({ tokenSessions, profiles, enrolledFactors });
