import { introspection } from '../flows/introspection';
import { accounts } from './accounts';
import { checkAccessToken } from './caller';
import { tokenSessions } from './token-sessions';

export const introspect = introspection({ checkAccessToken, tokenSessions, accounts });
