import { refreshFlow } from '../flows/refresh';
import { accounts } from './accounts';
import { subjects } from './subjects';
import { tokenSessions } from './token-sessions';

export const refresh = refreshFlow({ accounts, tokenSessions, subjects });
