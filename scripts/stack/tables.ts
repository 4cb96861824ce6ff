/**
 * The DynamoDB tables serverless.yml declares for AWS, made again in DynamoDB
 * Local, and the names the handlers find them by.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_STAGE, withLocalDynamo, type LocalCredentials } from './local-aws';
import { localBin, REPO_ROOT } from './paths';

/** The parts of `serverless print` this module reads. */
interface ServerlessConfig {
  provider: { environment?: Record<string, string> };
  functions?: Record<string, { environment?: Record<string, string> }>;
  resources?: { Resources?: Record<string, { Type: string; Properties: TableProperties }> };
}

/** CloudFormation's AWS::DynamoDB::Table properties that matter locally. */
type TableProperties = Pick<
  CreateTableCommandInput,
  'TableName' | 'AttributeDefinitions' | 'KeySchema' | 'BillingMode' | 'ProvisionedThroughput' | 'GlobalSecondaryIndexes' | 'LocalSecondaryIndexes'
> & {
  StreamSpecification?: { StreamViewType: NonNullable<CreateTableCommandInput['StreamSpecification']>['StreamViewType'] };
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
};

export interface TableDefinition {
  create: CreateTableCommandInput;
  /** The attribute DynamoDB expires items by, when TimeToLiveSpecification enables it. */
  ttlAttribute?: string;
}

let printed: Promise<ServerlessConfig> | undefined;

/** serverless.yml with every variable resolved, as serverless itself resolves it (once per process). */
function serverlessConfig(): Promise<ServerlessConfig> {
  printed ??= promisify(execFile)(localBin('serverless'), ['print', '--format', 'json', '--stage', LOCAL_STAGE], {
    cwd: REPO_ROOT,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stdout }) => JSON.parse(stdout) as ServerlessConfig,
    (error: Error & { stderr?: string; stdout?: string }) => {
      printed = undefined;
      throw new Error(`serverless print failed: ${error.stderr || error.stdout || error.message}`);
    },
  );
  return printed;
}

/**
 * The tables declared in serverless.yml's resources, as CreateTable inputs.
 * AWS-only settings (point-in-time recovery, encryption, tags, table class)
 * have no meaning in DynamoDB Local and are left out.
 */
export async function tableDefinitions(): Promise<TableDefinition[]> {
  const resources = Object.values((await serverlessConfig()).resources?.Resources ?? {});
  return resources
    .filter((resource) => resource.Type === 'AWS::DynamoDB::Table')
    .map(({ Properties: table }) => ({
      create: {
        TableName: table.TableName,
        AttributeDefinitions: table.AttributeDefinitions,
        KeySchema: table.KeySchema,
        BillingMode: table.BillingMode,
        ProvisionedThroughput: table.ProvisionedThroughput,
        GlobalSecondaryIndexes: table.GlobalSecondaryIndexes,
        LocalSecondaryIndexes: table.LocalSecondaryIndexes,
        StreamSpecification: table.StreamSpecification && {
          StreamEnabled: true,
          StreamViewType: table.StreamSpecification.StreamViewType,
        },
      },
      ttlAttribute: table.TimeToLiveSpecification?.Enabled ? table.TimeToLiveSpecification.AttributeName : undefined,
    }));
}

/**
 * The function environment variables that name a table, e.g.
 * { USERS_TABLE: 'kong-lambda-auth-dev-users', TOKENS_TABLE: ... }.
 */
export async function tableEnvironment(): Promise<Record<string, string>> {
  const config = await serverlessConfig();
  const names = new Set((await tableDefinitions()).map((table) => table.create.TableName));
  // The provider's, and those only some functions get (the profile service's table).
  const environments = [config.provider.environment, ...Object.values(config.functions ?? {}).map((fn) => fn.environment)];
  return Object.fromEntries(
    environments.flatMap((environment) => Object.entries(environment ?? {})).filter(([, value]) => names.has(value)),
  );
}

/** Creates every table (and its TTL) that does not exist yet for `credentials`; safe to run again. */
export async function ensureTables(endpoint: string, credentials: LocalCredentials): Promise<void> {
  const definitions = await tableDefinitions();
  await withLocalDynamo(endpoint, credentials, async (client) => {
    for (const table of definitions) {
      try {
        await client.send(new CreateTableCommand(table.create));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
      if (table.ttlAttribute) {
        const { TimeToLiveDescription } = await client.send(
          new DescribeTimeToLiveCommand({ TableName: table.create.TableName }),
        );
        if (TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
          await client.send(
            new UpdateTimeToLiveCommand({
              TableName: table.create.TableName,
              TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
            }),
          );
        }
      }
    }
  });
}
