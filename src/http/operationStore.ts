/**
 * Where operations live between the 202 and the client's last poll. The interface is what a database-backed store
 * would implement (so operations survive a restart and any replica can answer a poll); this one keeps them in the
 * process' memory, bounded in count and in result bytes, each finished one kept for ttlMs (the Azure REST API
 * guidelines ask for at least 24 hours) and then forgotten.
 */
import type { Problem } from '../api/problem.js';

export type OperationStatus = 'NotStarted' | 'Running' | 'Succeeded' | 'Failed' | 'Canceled';

export interface OperationRecord {
  readonly id: string;
  /**
   * The team whose data the work uses (a profile), when it does: only that team's keys see or cancel the operation.
   * Work on the paper's laws alone belongs to no one, and its id (a random UUID) is all a poll needs.
   */
  readonly teamId?: string;
  status: OperationStatus;
  readonly createdDateTime: string;
  lastUpdatedDateTime: string;
  /** The result's JSON as UTF-8 bytes, exactly the body the synchronous call would have answered. */
  result?: Buffer;
  error?: Problem;
}

export interface OperationStore {
  /** Stores a new operation reserving `reservedBytes` for its result; false when the store is full. */
  create(record: OperationRecord, reservedBytes: number): boolean;
  get(id: string): OperationRecord | undefined;
  /** Applies a change and stamps lastUpdatedDateTime; a finished operation is kept for the TTL from then. */
  update(
    id: string,
    change: Partial<Omit<OperationRecord, 'id' | 'createdDateTime'>>,
  ): OperationRecord | undefined;
  /** Operations not yet finished. */
  unfinished(): OperationRecord[];
}

export const FINISHED: ReadonlySet<OperationStatus> = new Set(['Succeeded', 'Failed', 'Canceled']);

interface Entry {
  readonly record: OperationRecord;
  bytes: number;
  expiresAtMs: number;
}

export class InMemoryOperationStore implements OperationStore {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(
    private readonly limits: { ttlMs: number; maxCount: number; maxBytes: number },
    private readonly nowMs: () => number = Date.now,
  ) {}

  create(record: OperationRecord, reservedBytes: number): boolean {
    this.#expire();
    if (this.#entries.size >= this.limits.maxCount || this.#bytes + reservedBytes > this.limits.maxBytes)
      return false;
    this.#entries.set(record.id, { record, bytes: reservedBytes, expiresAtMs: Number.POSITIVE_INFINITY });
    this.#bytes += reservedBytes;
    return true;
  }

  get(id: string): OperationRecord | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= this.nowMs()) {
      this.#remove(id, entry);
      return undefined;
    }
    return entry.record;
  }

  update(
    id: string,
    change: Partial<Omit<OperationRecord, 'id' | 'createdDateTime'>>,
  ): OperationRecord | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    Object.assign(entry.record, change, { lastUpdatedDateTime: new Date(this.nowMs()).toISOString() });
    if (FINISHED.has(entry.record.status)) {
      // The reservation becomes what the result really holds (a failed or cancelled one holds a small problem).
      const bytes = (entry.record.result?.byteLength ?? 0) + 1024;
      this.#bytes += bytes - entry.bytes;
      entry.bytes = bytes;
      entry.expiresAtMs = this.nowMs() + this.limits.ttlMs;
    }
    return entry.record;
  }

  unfinished(): OperationRecord[] {
    return [...this.#entries.values()].map((e) => e.record).filter((r) => !FINISHED.has(r.status));
  }

  #remove(id: string, entry: Entry): void {
    this.#entries.delete(id);
    this.#bytes -= entry.bytes;
  }

  #expire(): void {
    const now = this.nowMs();
    for (const [id, entry] of this.#entries) if (entry.expiresAtMs <= now) this.#remove(id, entry);
  }
}
