/** What the stack is made of: components that start, report ready, and stop on their own. */
import { ManagedChild, type ChildOptions } from './child';

/** One piece of the stack that can be stopped and started again on its own. */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Pauses (true) or resumes (false) the running process, for fault tests: a
   * paused server accepts connections and answers nothing, then serves what
   * queued up once resumed.
   */
  freeze(frozen: boolean): void;
}

/** Called when a component's process dies without being asked to stop. */
export type CrashHandler = (component: string, description: string) => void;

export interface ChildComponentSpec {
  name: string;
  /** What to run; called at every start, and may throw a helpful error (no Java...). */
  command: () => Omit<ChildOptions, 'name'>;
  waitUntilReady: (child: ManagedChild) => Promise<void>;
  onCrash?: CrashHandler;
}

/** A component backed by one child process; start() errors name the component and the cause. */
export function childComponent(spec: ChildComponentSpec): Component {
  let current: ManagedChild | undefined;
  const stop = async () => {
    const child = current;
    current = undefined;
    await child?.stop();
  };
  return {
    name: spec.name,
    stop,
    freeze: (frozen) => current?.freeze(frozen),
    async start() {
      if (current?.isRunning()) throw new Error(`${spec.name} is already running`);
      try {
        const child = new ManagedChild({ name: spec.name, ...spec.command() });
        current = child;
        await spec.waitUntilReady(child);
        void child.exited.then(() => {
          if (current === child) spec.onCrash?.(spec.name, child.describeExit());
        });
      } catch (error) {
        await stop();
        throw new Error(`${spec.name} failed to start: ${(error as Error).message}`);
      }
    },
  };
}
