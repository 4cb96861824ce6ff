/**
 * maildev (the npm package), the mail catcher the service sends to locally
 * (lib/mail over SMTP), as one component of the stack: SMTP and its web UI
 * and REST API (`GET /api/email`), both on loopback only. Mails are kept in
 * memory: they go with the stack.
 */
import path from 'node:path';
import type { LogSink } from './child';
import { childComponent, type Component, type CrashHandler } from './component';
import { REPO_ROOT } from './paths';

export interface MaildevOptions {
  smtpPort: number;
  webPort: number;
  log?: LogSink;
  onCrash?: CrashHandler;
}

const READY_TIMEOUT_MS = 15_000;

/** maildev 3 exports neither its package.json nor its CLI (and is ESM only): its bin's path, as package.json declares it. */
const maildevCli = (): string => path.join(REPO_ROOT, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');

export function maildev(options: MaildevOptions): Component {
  return childComponent({
    name: 'maildev',
    command: () => ({
      command: process.execPath,
      args: [maildevCli(), '--smtp', String(options.smtpPort), '--ip', '127.0.0.1', '--web', String(options.webPort), '--web-ip', '127.0.0.1'],
      cwd: REPO_ROOT,
      env: process.env,
      log: options.log,
    }),
    waitUntilReady: (child) => child.waitForLine((line) => line.includes('Press Ctrl+C to stop'), READY_TIMEOUT_MS),
    onCrash: options.onCrash,
  });
}
