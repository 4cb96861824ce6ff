import { AsyncLocalStorage } from 'node:async_hooks';
import { LOG_LEVELS, readChoice, type LogLevel } from './env';

type Fields = Record<string, unknown>;

// Read here rather than from `config`, so that code which logs can be unit-tested without the service's settings;
// on first use rather than at import, so that a test can choose the level.
let threshold: LogLevel | undefined;

/**
 * The ids of the request being served, added to every log line. Kept in
 * AsyncLocalStorage rather than in a module-level logger (as Powertools'
 * Logger does): tests and the bench run many invocations at once in one
 * process, and each line must name its own request.
 */
const requestIds = new AsyncLocalStorage<Fields>();

export function withRequestIds<T>(ids: Fields, run: () => T): T {
  return requestIds.run(ids, run);
}

/**
 * Structured JSON logs, one object per line. Callers pass only identifiers
 * (usernames, ids, error names): never passwords, secrets or tokens.
 */
function write(level: Exclude<LogLevel, 'silent'>, msg: string, fields: Fields = {}): void {
  threshold ??= readChoice(process.env, 'LOG_LEVEL', LOG_LEVELS, 'info');
  if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(threshold)) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg, ...requestIds.getStore(), ...fields });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}

export const log = {
  debug: (msg: string, fields?: Fields) => write('debug', msg, fields),
  info: (msg: string, fields?: Fields) => write('info', msg, fields),
  warn: (msg: string, fields?: Fields) => write('warn', msg, fields),
  error: (msg: string, fields?: Fields) => write('error', msg, fields),
};
