/**
 * The change journal's DynamoDB table: one item per applied change (see
 * functions/aws/change-journal.ts for the item shape). It is an audit record,
 * so it has point-in-time recovery and, by default, outlives the stack.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface ChangeJournalTableProps {
  /** Keep the table (and its records) on `cdk destroy`. */
  readonly retain: boolean;
}

export class ChangeJournalTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: ChangeJournalTableProps) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      // Changes are made by people, a few a day: on-demand costs nothing when idle.
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
