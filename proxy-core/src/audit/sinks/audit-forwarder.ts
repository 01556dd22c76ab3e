import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../logger';
import type { Store } from '../../store/store.types';
import type { AuditSink } from './audit-sink.types';
import { SinkError } from './audit-sink.types';

export interface AuditForwarderOptions {
  store: Pick<Store, 'listAudit' | 'auditHead'>;
  sink: AuditSink;
  /** Where the sink's durable position is kept (`<dataDir>/audit-sinks`). */
  stateDir: string;
  logger: Logger;
  /** Events per delivery. Default 200. */
  batchSize?: number;
  /** How often to look for new events when idle (notify() wakes it sooner). Default 1 s. */
  pollMs?: number;
  /** Retry delay after a failure: doubles from `initialMs` up to `maxMs`, with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Alarm when the sink is this many events behind. Default 100 000. */
  maxBacklog?: number;
  /** Called when the alarm is raised or cleared. */
  onAlarm?: (status: AuditForwarderStatus) => void;
  /** For a sink with no position yet: ship the whole log ('beginning', default) or only what comes next. */
  startAt?: 'beginning' | 'now';
  random?: () => number;
}

export interface AuditForwarderStatus {
  sink: string;
  /** Last seq the sink has confirmed. */
  delivered: number;
  head: number;
  backlog: number;
  /** Consecutive failed deliveries. */
  failures: number;
  lastError?: string;
  /** The backlog passed maxBacklog, or the log changed under the sink's position. */
  alarm?: string;
}

interface Cursor {
  seq: number;
  hash: string;
  at: string;
}

/**
 * Ships the audit log to one sink, in order, without losing events while the sink is down. The outbox is the
 * audit log itself (durable, append-only, seq-ordered); what each sink adds is its position, a small cursor
 * file advanced (write, fsync, rename) only after the sink confirmed a batch. So a sink that is down simply
 * falls behind and catches up, a restart resumes where the sink left off, and nothing is copied or dropped.
 * The backlog is bounded by the log; past `maxBacklog` events it raises an alarm (logged as an error, in
 * status(), and onAlarm) until the sink catches up. Delivery is at least once: a crash between the sink's
 * confirmation and the cursor write resends that batch (events carry seq and id for receivers to dedupe).
 */
export class AuditForwarder {
  private cursor: Cursor;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  private lastError: string | undefined;
  private alarm: string | undefined;
  private alarmKind: 'outbox full' | 'log changed' | undefined;
  private readonly file: string;

  constructor(private readonly opts: AuditForwarderOptions) {
    mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
    this.file = join(opts.stateDir, `${opts.sink.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.cursor.json`);
    this.cursor = this.readCursor();
  }

  status(): AuditForwarderStatus {
    const head = this.opts.store.auditHead().seq;
    return {
      sink: this.opts.sink.name,
      delivered: this.cursor.seq,
      head,
      backlog: Math.max(0, head - this.cursor.seq),
      failures: this.failures,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.alarm ? { alarm: this.alarm } : {}),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New events were appended: deliver now instead of at the next poll. */
  notify(): void {
    this.wake?.();
  }

  /** Stops after the delivery in progress, if any. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.opts.sink.close();
  }

  /** Resolves once everything up to the current head is delivered (tests, shutdown). */
  async drain(timeoutMs = 30_000): Promise<void> {
    const target = this.opts.store.auditHead().seq;
    const until = Date.now() + timeoutMs;
    while (this.cursor.seq < target) {
      if (Date.now() > until)
        throw new Error(`${this.opts.sink.name}: ${target - this.cursor.seq} events still undelivered`);
      this.notify();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      const batch = this.opts.store.listAudit({ afterSeq: this.cursor.seq, limit: this.opts.batchSize ?? 200 });
      this.checkBacklog(batch[0]?.prevHash);
      if (batch.length === 0) {
        await this.sleep(this.opts.pollMs ?? 1000);
        continue;
      }
      try {
        await this.opts.sink.deliver(batch);
        const last = batch.at(-1) as (typeof batch)[number];
        await this.saveCursor({ seq: last.seq, hash: last.hash, at: new Date().toISOString() });
        if (this.failures > 0)
          this.opts.logger.info('audit sink recovered', { sink: this.opts.sink.name, after: this.failures });
        this.failures = 0;
        this.lastError = undefined;
      } catch (err) {
        this.failures++;
        this.lastError = (err as Error).message;
        const permanent = err instanceof SinkError && err.permanent;
        const delay = this.retryDelay();
        const log = this.failures === 1 || this.failures % 10 === 0 ? 'warn' : 'debug';
        this.opts.logger[permanent ? 'error' : log]('audit sink delivery failed; will retry', {
          sink: this.opts.sink.name,
          failures: this.failures,
          retryInMs: delay,
          err: this.lastError,
          ...(permanent ? { hint: 'the receiver refused the request: check the sink configuration' } : {}),
        });
        await this.sleep(delay);
      }
    }
  }

  private retryDelay(): number {
    const initial = this.opts.backoff?.initialMs ?? 500;
    const max = this.opts.backoff?.maxMs ?? 60_000;
    const base = Math.min(max, initial * 2 ** Math.min(this.failures - 1, 20));
    return Math.round(base * (0.5 + 0.5 * (this.opts.random ?? Math.random)()));
  }

  /** Raises or clears the alarm: backlog past the bound, or the log no longer linking to the sink's position. */
  private checkBacklog(nextPrevHash: string | undefined): void {
    const status = this.status();
    let alarm: string | undefined;
    let kind: typeof this.alarmKind;
    if (nextPrevHash !== undefined && this.cursor.seq > 0 && nextPrevHash !== this.cursor.hash) {
      kind = 'log changed';
      alarm = `the audit log changed under this sink: event ${this.cursor.seq + 1} does not link to the delivered event ${this.cursor.seq}`;
    } else if (status.backlog > (this.opts.maxBacklog ?? 100_000)) {
      kind = 'outbox full';
      alarm = `outbox full: ${status.backlog} audit events not yet delivered to ${this.opts.sink.name} (limit ${this.opts.maxBacklog ?? 100_000}); ${this.lastError ? `last error: ${this.lastError}` : 'the sink is too slow'}`;
    }
    this.alarm = alarm; // the text follows the backlog; listeners hear only of raising and clearing
    if (kind === this.alarmKind) return;
    this.alarmKind = kind;
    if (alarm)
      this.opts.logger.error('AUDIT SINK ALARM', { sink: this.opts.sink.name, alarm, backlog: status.backlog });
    else this.opts.logger.info('audit sink alarm cleared', { sink: this.opts.sink.name, backlog: status.backlog });
    this.opts.onAlarm?.(this.status());
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private readCursor(): Cursor {
    try {
      const c = JSON.parse(readFileSync(this.file, 'utf8')) as Cursor;
      if (Number.isSafeInteger(c.seq) && typeof c.hash === 'string') return c;
      throw new Error('malformed');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        // A damaged position file must not silently skip events: start over (at least once, never lost).
        this.opts.logger.error('audit sink position unreadable; delivering from the beginning', {
          sink: this.opts.sink.name,
          file: this.file,
        });
        return { seq: 0, hash: '', at: '' };
      }
      const head = this.opts.startAt === 'now' ? this.opts.store.auditHead() : { seq: 0, hash: '' };
      return { ...head, at: new Date().toISOString() };
    }
  }

  private async saveCursor(cursor: Cursor): Promise<void> {
    const tmp = `${this.file}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(cursor));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
    this.cursor = cursor;
  }
}
