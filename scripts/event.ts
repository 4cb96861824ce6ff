/**
 * Prints one of examples/events/*.json with its {{PLACEHOLDERS}} filled, for
 * `sls invoke local` (docs/invoking.md):
 *
 *   npx sls invoke local --stage local -f refresh --data "$(npx tsx scripts/event.ts refresh /tmp/signin.out)"
 *
 * A placeholder's value comes from the environment (ACCESS_TOKEN=… SESSION_ID=…)
 * or else from the answer an earlier `sls invoke` printed, saved in a file:
 * its body's access_token and refresh_token, its JSESSIONID cookie.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const EVENTS_DIR = path.join(__dirname, '..', 'examples', 'events');

/** What an answer of signin, refresh or sessionLogin holds, by placeholder name. */
export function valuesFromAnswer(printed: string): Record<string, string> {
  // `sls invoke` prints the handler's log lines, then the answer as indented JSON.
  const start = printed.lastIndexOf('\n{\n');
  const answer = JSON.parse(start === -1 ? printed : printed.slice(start + 1));
  const body = typeof answer.body === 'string' ? JSON.parse(answer.body || '{}') : (answer.body ?? {});
  const cookies = [answer.headers?.['Set-Cookie'], ...(answer.multiValueHeaders?.['Set-Cookie'] ?? [])].filter(Boolean).join('\n');
  const session = /JSESSIONID=([^;\s]+)/.exec(cookies)?.[1];
  return {
    ...(body.access_token ? { ACCESS_TOKEN: body.access_token } : {}),
    ...(body.refresh_token ? { REFRESH_TOKEN: body.refresh_token } : {}),
    ...(session ? { SESSION_ID: session } : {}),
  };
}

/** examples/events/<name>.json as text, every {{NAME}} replaced from `values`; fails naming what is missing. */
export function exampleEvent(name: string, values: Record<string, string | undefined> = {}): string {
  const template = readFileSync(path.join(EVENTS_DIR, `${name}.json`), 'utf8');
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (!value) throw new Error(`${name}.json needs ${key}: set it, or name a file holding the answer of an earlier invoke that has it`);
    // Inside a JSON string (the body is itself JSON text): tokens and ids need no escaping, but be safe.
    return JSON.stringify(JSON.stringify(value).slice(1, -1)).slice(1, -1);
  });
}

if (require.main === module) {
  const [name, answerFile] = process.argv.slice(2);
  if (!name) {
    console.error('usage: npx tsx scripts/event.ts <event> [file holding an earlier invoke\'s answer]');
    process.exit(2);
  }
  try {
    const fromAnswer = answerFile ? valuesFromAnswer(readFileSync(answerFile, 'utf8')) : {};
    const fromEnv = Object.fromEntries(['ACCESS_TOKEN', 'REFRESH_TOKEN', 'SESSION_ID'].map((key) => [key, process.env[key]]).filter(([, value]) => value));
    process.stdout.write(exampleEvent(name, { ...fromAnswer, ...fromEnv }));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
