// Browser sessions (JSESSIONID, design 003) on the tokens table.
import { BrowserSessions } from '../browser-sessions/browser-sessions';
import { browserConfig } from '../browser-sessions/config';
import { DynamoDBBrowserSessionStore } from '../browser-sessions/dynamodb-store';
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';

export { browserConfig };
export const browserSessions = new BrowserSessions(new DynamoDBBrowserSessionStore(dynamodb(), config.tokensTable), browserConfig);
