// The service's browser sessions, on the tokens table: what handlers use.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { BrowserSessions } from './browser-sessions';
import { browserConfig } from './config';
import { DynamoDBBrowserSessionStore } from './dynamodb-store';

export * from './cookie';
export * from './gateway-revocation';
export * from './redirects';
export * from './session';
export { browserConfig };
export const browserSessions = new BrowserSessions(new DynamoDBBrowserSessionStore(dynamodb(), config.tokensTable), browserConfig);
