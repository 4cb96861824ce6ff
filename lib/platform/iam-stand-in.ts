/**
 * A stand-in for IAM, for the local stack only: DynamoDB Local checks no
 * permissions, so the handlers' client checks each call against the grants
 * their function lists in serverless.yml (`access`, scripts/serverless/grants.js),
 * as the function's own role would in AWS. A grant missing from the list then
 * fails locally (503, logged as AccessDeniedException) instead of in a deployment.
 *
 * Only what the grants use is modelled: actions on a table or one of its
 * indexes, and statements limited to one partition key (dynamodb:LeadingKeys),
 * with an explicit Deny beating any Allow, as IAM evaluates them.
 */
import type { MiddlewareStack } from '@smithy/types';

export interface StandInStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  table: string;
  index?: string;
  /** The statement covers only items with this partition key (`id`). */
  leadingKey?: string;
}

/** One DynamoDB action on one item, index or table, as IAM authorises it. */
interface Access {
  action: string;
  table: string;
  index?: string;
  key?: string;
}

type Item = Record<string, unknown> | undefined;

/** The `id` partition key, marshalled (`{S: …}`) or not: the only key the grants restrict by. */
function idOf(item: Item): string | undefined {
  const id = item?.id as unknown;
  if (typeof id === 'string') return id;
  if (id && typeof id === 'object' && typeof (id as { S?: unknown }).S === 'string') return (id as { S: string }).S;
  return undefined;
}

/** What IAM would check for one request: a transaction is checked item by item, as its own actions. */
export function accessesOf(commandName: string, input: Record<string, any>): Access[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const action = `dynamodb:${commandName.replace(/Command$/, '')}`;
  switch (commandName) {
    case 'TransactWriteItemsCommand':
      return (input.TransactItems ?? []).map((entry: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const [kind, request] = Object.entries(entry)[0];
        const name = kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`;
        return { action: `dynamodb:${name}`, table: request.TableName, key: idOf(request.Key ?? request.Item) };
      });
    case 'TransactGetItemsCommand':
      return (input.TransactItems ?? []).map(({ Get }: Record<string, any>) => ({ action: 'dynamodb:GetItem', table: Get.TableName, key: idOf(Get.Key) })); // eslint-disable-line @typescript-eslint/no-explicit-any
    case 'BatchGetItemCommand':
      return Object.entries(input.RequestItems ?? {}).flatMap(([table, request]: [string, any]) => // eslint-disable-line @typescript-eslint/no-explicit-any
        (request.Keys ?? []).map((key: Item) => ({ action, table, key: idOf(key) })),
      );
    case 'QueryCommand':
    case 'ScanCommand':
      return [{ action, table: input.TableName, index: input.IndexName }];
    default:
      return [{ action, table: input.TableName, key: idOf(input.Key ?? input.Item) }];
  }
}

const matches = (statement: StandInStatement, access: Access) =>
  statement.actions.includes(access.action) &&
  statement.table === access.table &&
  statement.index === access.index &&
  (statement.leadingKey === undefined || statement.leadingKey === access.key);

/** The first access the statements do not allow, if any. */
export function refused(statements: StandInStatement[], accesses: Access[]): Access | undefined {
  return accesses.find(
    (access) =>
      statements.some((s) => s.effect === 'Deny' && matches(s, access)) || !statements.some((s) => s.effect === 'Allow' && matches(s, access)),
  );
}

/**
 * The statements of the function this bundle is: every function runs in one
 * serverless-offline process, which hands all of them the same policies
 * (keyed by handler file), and each bundle knows its own file's name.
 */
export function statementsFor(policies: string, bundleFile: string): StandInStatement[] {
  const byHandler = JSON.parse(policies) as Record<string, StandInStatement[]>;
  const normalised = bundleFile.replace(/\\/g, '/').replace(/\.[cm]?js$/, '');
  const handler = Object.keys(byHandler).find((file) => normalised.endsWith(`/${file}`));
  // A bundle the policies do not name may do nothing: fail closed.
  return handler ? byHandler[handler] : [];
}

export class AccessDeniedException extends Error {
  override readonly name = 'AccessDeniedException';
}

/** Adds the check to a DynamoDB client, inside the step that maps failures to DependencyError. */
export function addIamStandIn(stack: MiddlewareStack<any, any>, statements: StandInStatement[]): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  stack.add(
    (next, context) => async (args) => {
      const denied = refused(statements, accessesOf(context.commandName ?? '', args.input as Record<string, unknown>));
      if (denied) {
        const resource = denied.index ? `${denied.table}/index/${denied.index}` : denied.table;
        throw new AccessDeniedException(`IAM stand-in: this function's grants (serverless.yml access) do not allow ${denied.action} on ${resource}${denied.key ? ` (key ${denied.key})` : ''}`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'iamStandIn' },
  );
}
