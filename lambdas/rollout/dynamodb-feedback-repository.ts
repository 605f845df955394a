import type { DynamoDbTable } from '../core/adapters/dynamodb-table.ts';
import type { Feedback, FeedbackRepository } from './feedback.ts';

/** Feedback in the single table: `FEEDBACK#<subject>#<id> / USER#<sub>`, one verdict per builder. */
export class DynamoDbFeedbackRepository implements FeedbackRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async putFeedback(owner: string, feedback: Feedback): Promise<void> {
    await this.table.put({
      PK: `FEEDBACK#${feedback.subject}#${feedback.id}`,
      SK: `USER#${owner}`,
      type: 'feedback',
      data: feedback,
    });
  }
}
