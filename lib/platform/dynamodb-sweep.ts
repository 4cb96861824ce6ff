// Apart from dynamodb.ts, which reads the configuration: stores whose in-memory twins unit tests load import this.
import { DeleteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Deletes every item of `table` that `filter` selects (a Scan, page by page):
 * for erasing a user's items where no index finds them all. Rare and slow by
 * design (lib/flows/account-erasure.ts says why a Scan); idempotent, as
 * deleting an absent item is no error.
 */
export async function deleteScanned(
  client: DynamoDBDocumentClient,
  table: string,
  keyOf: (item: Record<string, unknown>) => Record<string, unknown>,
  filter: { FilterExpression: string; ExpressionAttributeValues: Record<string, unknown>; ExpressionAttributeNames?: Record<string, string> },
): Promise<number> {
  let start: Record<string, unknown> | undefined;
  let deleted = 0;
  do {
    const output = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true, ...filter }));
    for (const item of output.Items ?? []) {
      await client.send(new DeleteCommand({ TableName: table, Key: keyOf(item) }));
      deleted++;
    }
    start = output.LastEvaluatedKey;
  } while (start);
  return deleted;
}
