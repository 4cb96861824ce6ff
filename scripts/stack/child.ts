/**
 * One component's process: started, followed line by line, waited for,
 * and stopped together with whatever it spawned.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { guardGroup, releaseGroup } from './lifetime';

export type OutputStream = 'stdout' | 'stderr';
/** Receives every line a component prints, tagged with the component's name. */
export type LogSink = (component: string, stream: OutputStream, line: string) => void;

/** A LogSink that shows every line on stderr, tagged: what STACK_VERBOSE=1 asks for. */
export const printLine: LogSink = (component, _stream, line) => console.error(`[${component}] ${line}`);

export interface ChildOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  log?: LogSink;
}

const RECENT_LINES = 40;
const POLL_INTERVAL_MS = 200;
const STOP_GRACE_MS = 10_000;

/**
 * A component's process, started in its own process group so that stopping it
 * also stops whatever it spawned (serverless starts esbuild, for example).
 */
export class ManagedChild {
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly recent: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();
  private exitDescription: string | undefined;

  constructor(private readonly options: ChildOptions) {
    this.child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = this.child.pid;
    if (pid !== undefined) guardGroup(pid);
    this.child.once('exit', (code, signal) => {
      this.exitDescription = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      // Whatever the leader left behind is an orphan; killing it also closes the pipes.
      this.signalGroup('SIGKILL');
      if (pid !== undefined) releaseGroup(pid);
    });
    // 'close' comes after the last output line, so error messages quote it.
    this.exited = new Promise((resolve) => {
      this.child.once('close', () => resolve());
      this.child.once('error', (error) => {
        this.exitDescription = `could not be started (${error.message})`;
        resolve();
      });
    });
    this.follow(this.child.stdout!, 'stdout');
    this.follow(this.child.stderr!, 'stderr');
    liveChildren.add(this);
    void this.exited.then(() => liveChildren.delete(this));
  }

  get name(): string {
    return this.options.name;
  }

  /** "exited with code 1" and the last lines it printed, for error messages. */
  describeExit(): string {
    return `${this.exitDescription ?? 'is running'}${this.recentOutput()}`;
  }

  /** Resolves when a printed line matches; rejects if the process exits first or the time runs out. */
  waitForLine(matches: (line: string) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const listener = (line: string) => {
        if (matches(line)) finish(resolve);
      };
      const timer = setTimeout(() => finish(() => reject(this.notReady(timeoutMs))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.lineListeners.delete(listener);
        settle();
      };
      this.lineListeners.add(listener);
      void this.exited.then(() => finish(() => reject(new Error(this.describeExit()))));
    });
  }

  /** Polls `probe` until it answers true; rejects if the process exits first or the time runs out. */
  async waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.isRunning()) {
      if (await probe()) return;
      if (Date.now() > deadline) throw this.notReady(timeoutMs);
      await delay(POLL_INTERVAL_MS);
    }
    await this.exited;
    throw new Error(this.describeExit());
  }

  /** SIGTERM to the whole group, SIGKILL if it lingers; resolves once the process has exited. */
  async stop(): Promise<void> {
    if (this.isRunning()) this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Synchronous last resort when the parent process exits without a clean stop. */
  kill(): void {
    this.signalGroup('SIGKILL');
  }

  /** SIGSTOP / SIGCONT to the whole group: a dependency that hangs, then wakes with its work queued. */
  freeze(frozen: boolean): void {
    this.signalGroup(frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  isRunning(): boolean {
    return this.exitDescription === undefined && this.child.pid !== undefined;
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  private notReady(timeoutMs: number): Error {
    return new Error(`not ready after ${timeoutMs / 1000}s${this.recentOutput()}`);
  }

  private recentOutput(): string {
    return this.recent.length ? `\n--- last output of ${this.name} ---\n${this.recent.join('\n')}` : '';
  }

  private follow(stream: NodeJS.ReadableStream, kind: OutputStream): void {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      this.recent.push(line);
      if (this.recent.length > RECENT_LINES) this.recent.shift();
      this.options.log?.(this.name, kind, line);
      for (const listener of this.lineListeners) listener(line);
    });
  }
}

const liveChildren = new Set<ManagedChild>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill();
});
