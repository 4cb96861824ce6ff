import { config } from './config';

type Fields = Record<string, unknown>;

/**
 * Structured JSON logs, one object per line. Callers pass only identifiers
 * (usernames, ids, error names): never passwords, secrets or tokens.
 */
function write(level: string, msg: string, fields: Fields = {}): void {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}

export const log = {
  debug: (msg: string, fields?: Fields) => config.logLevel === 'debug' && write('debug', msg, fields),
  info: (msg: string, fields?: Fields) => write('info', msg, fields),
  warn: (msg: string, fields?: Fields) => write('warn', msg, fields),
  error: (msg: string, fields?: Fields) => write('error', msg, fields),
};
