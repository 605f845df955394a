import { type DynamoDbTable, dynamoSize, itemSize, MAX_ITEM_BYTES } from '../core/adapters/dynamodb-table.ts';
import { ConflictError, PayloadTooLargeError } from '../core/errors.ts';
import type { Session, SessionActivity } from './model.ts';
import type { SessionRepository } from './ports.ts';

/**
 * Sessions in the single table: `SESSION#id / META` holds a session's whole state, so one
 * conditional write on its version saves it (dynalite has no transactions); GSI1
 * `OWNER#sub / UPDATED#ts#id` lists a user's sessions, most recently updated first.
 */
export class DynamoDbSessionRepository implements SessionRepository {
  constructor(private readonly table: DynamoDbTable) {}

  private item(session: Session) {
    const item = {
      PK: `SESSION#${session.id}`,
      SK: 'META',
      GSI1PK: `OWNER#${session.owner}`,
      GSI1SK: `UPDATED#${session.updatedAt}#${session.id}`,
      type: 'session',
      data: session,
      version: session.version,
    };
    const size = itemSize(item);
    if (size > MAX_ITEM_BYTES) {
      const kb = (value: unknown) => Math.ceil(dynamoSize(value) / 1024);
      throw new PayloadTooLargeError(
        `this session would be ${Math.ceil(size / 1024)} KB, over the 400 KB a session can hold: its ${session.messages.length} messages take ${kb(session.messages)} KB and its answers ${kb(session.answers)} KB. Send a shorter message or shorter answers, or start a new session for what remains`,
      );
    }
    return item;
  }

  async create(session: Session): Promise<void> {
    if (!(await this.table.putIf(this.item(session), { absent: true })))
      throw new ConflictError(`session ${session.id} already exists`);
  }

  async get(id: string): Promise<Session | undefined> {
    const item = await this.table.get({ PK: `SESSION#${id}`, SK: 'META' }, { consistent: true });
    return item?.data as Session | undefined;
  }

  async listByOwner(owner: string, limit: number): Promise<Session[]> {
    const items = await this.table.query({
      index: 'GSI1',
      partition: `OWNER#${owner}`,
      descending: true,
      limit,
    });
    return items.map((item) => item.data as Session);
  }

  async save(session: Session, expectedVersion: number): Promise<void> {
    if (!(await this.table.putIf(this.item(session), { version: expectedVersion })))
      throw new ConflictError(
        `session ${session.id} changed since version ${expectedVersion}; reload it and apply your change again`,
      );
  }

  async activity(id: string): Promise<SessionActivity> {
    const newest = (prefix: string) =>
      this.table.query({ partition: `SESSION#${id}`, sortKeyPrefix: prefix, descending: true, limit: 1 });
    const [[generation], [test]] = await Promise.all([newest('GENERATION#'), newest('TEST#')]);
    const run = test?.data as { id: string; status: string; createdAt: string } | undefined;
    return {
      ...(generation
        ? {
            lastGeneration: {
              id: generation.generationId as string,
              status: generation.status as 'SUCCEEDED' | 'FAILED',
              // The history key is GENERATION#<createdAt>#<id>.
              createdAt: String(generation.SK).split('#')[1] ?? '',
            },
          }
        : {}),
      ...(run ? { lastTest: { id: run.id, status: run.status, createdAt: run.createdAt } } : {}),
    };
  }

  async delete(id: string): Promise<void> {
    await this.table.delete({ PK: `SESSION#${id}`, SK: 'META' });
  }
}
