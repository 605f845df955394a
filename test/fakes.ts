import { ConflictError } from '../lambdas/core/errors.ts';
import type { Session } from '../lambdas/sessions/model.ts';
import type { SessionRepository } from '../lambdas/sessions/ports.ts';

/** An in-memory SessionRepository with the same conditional-write behaviour as the DynamoDB one. */
export class MemorySessions implements SessionRepository {
  readonly items = new Map<string, Session>();

  async create(session: Session) {
    if (this.items.has(session.id)) throw new Error('exists');
    this.items.set(session.id, structuredClone(session));
  }

  async get(id: string) {
    const session = this.items.get(id);
    return session ? structuredClone(session) : undefined;
  }

  async listByOwner(owner: string, limit: number) {
    return [...this.items.values()]
      .filter((s) => s.owner === owner)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .slice(0, limit);
  }

  async save(session: Session, expectedVersion: number) {
    if (this.items.get(session.id)?.version !== expectedVersion)
      throw new ConflictError(`session changed since version ${expectedVersion}`);
    this.items.set(session.id, structuredClone(session));
  }
}
