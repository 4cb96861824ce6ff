/** A part of the bench that runs in a Node process of its own. */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const STOP_GRACE_MS = 5000;

/**
 * A TypeScript module in a Node process of its own, talking over IPC. Its
 * stdout (the handlers' logs) is dropped; the end of its stderr explains a
 * failure.
 */
export class BenchChild {
  private readonly child: ChildProcess;
  private readonly exited: Promise<unknown>;
  private stderr = '';

  constructor(
    private readonly modulePath: string,
    env: Record<string, string | undefined>,
    execArgv: string[] = [],
  ) {
    this.child = fork(modulePath, [], {
      env: { ...process.env, ...env },
      execArgv: ['--import', 'tsx', ...execArgv],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    this.exited = once(this.child, 'exit');
  }

  /** The next message the child sends; rejects with its stderr if it exits first. */
  next<T>(): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: T) => {
        this.child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code: number | null) => {
        this.child.off('message', onMessage);
        reject(new Error(`${this.modulePath} exited with code ${code}\n${this.stderr}`));
      };
      this.child.once('message', onMessage);
      this.child.once('exit', onExit);
    });
  }

  request<T>(message: string): Promise<T> {
    const reply = this.next<T>();
    this.child.send(message);
    return reply;
  }

  /** Disconnecting asks the child to exit normally (so --cpu-prof writes its profile); SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
