/** DynamoDB Local, the Java server, as one component of the stack. */
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { LogSink } from './child';
import { childComponent, type Component, type CrashHandler } from './component';
import { withLocalDynamo } from './local-aws';

export interface DynamoDbLocalOptions {
  port: number;
  /** Where the database file lives; undefined keeps everything in memory. */
  dataDir?: string;
  log?: LogSink;
  onCrash?: CrashHandler;
}

const READY_TIMEOUT_MS = 30_000;
const JAVA_MISSING =
  'Java not found: install openjdk-17-jre-headless (apt-get install -y openjdk-17-jre-headless) or set JAVA_HOME';

/** The DynamoDBLocal.jar shipped in the amplify-dynamodb-simulator npm package. */
function emulatorDir(): string {
  return path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findJava(): string {
  const candidates = [
    ...(process.env.JAVA_HOME ? [path.join(process.env.JAVA_HOME, 'bin', 'java')] : []),
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'java')),
  ];
  const java = candidates.find(isExecutable);
  if (!java) throw new Error(JAVA_MISSING);
  return java;
}

/** The real DynamoDB Local server (Java), answering on http://127.0.0.1:<port>. */
export function dynamodbLocal(options: DynamoDbLocalOptions): Component & { endpoint: string } {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const dataDir = options.dataDir && path.resolve(options.dataDir);
  const component = childComponent({
    name: 'dynamodb',
    command: () => {
      const java = findJava();
      if (dataDir) mkdirSync(dataDir, { recursive: true });
      const emulator = emulatorDir();
      return {
        command: java,
        args: [
          `-Djava.library.path=${path.join(emulator, 'DynamoDBLocal_lib')}`,
          '-jar',
          path.join(emulator, 'DynamoDBLocal.jar'),
          '-port',
          String(options.port),
          // One database whatever the client's credentials and region.
          '-sharedDb',
          '-disableTelemetry',
          ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
        ],
        // It writes a metadata file into its working directory: keep that next to the jar.
        cwd: emulator,
        env: process.env,
        log: options.log,
      };
    },
    waitUntilReady: (child) =>
      withLocalDynamo(endpoint, (client) =>
        child.waitUntil(() => client.send(new ListTablesCommand({})).then(() => true, () => false), READY_TIMEOUT_MS),
      ),
    onCrash: options.onCrash,
  });
  return { ...component, endpoint };
}
