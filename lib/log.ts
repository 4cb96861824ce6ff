import { config, LOG_LEVELS } from './config';

type Fields = Record<string, unknown>;

type Level = Exclude<(typeof LOG_LEVELS)[number], 'silent'>;

/**
 * Structured JSON logs, one object per line. Callers pass only identifiers
 * (usernames, ids, error names): never passwords, secrets or tokens.
 */
function write(level: Level, msg: string, fields: Fields = {}): void {
  if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(config.logLevel)) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}

export const log = {
  info: (msg: string, fields?: Fields) => write('info', msg, fields),
  warn: (msg: string, fields?: Fields) => write('warn', msg, fields),
  error: (msg: string, fields?: Fields) => write('error', msg, fields),
};
