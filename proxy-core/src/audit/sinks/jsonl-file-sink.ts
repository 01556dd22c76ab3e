import { type FileHandle, mkdir, open, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditEvent } from '../audit.types';
import { type AuditExportFormat, formatEvent } from '../audit-export';
import type { OcsfOptions } from '../ocsf';
import type { AuditSink } from './audit-sink.types';

export interface JsonlFileSinkOptions {
  name: string;
  path: string;
  format: AuditExportFormat;
  /** Rotate when the file would pass this size. Default 100 MiB. */
  maxBytes?: number;
  /** Rotated files kept: PATH.1 (newest) … PATH.keep. Default 5. */
  keep?: number;
  ocsf?: OcsfOptions;
}

/** Appends one JSON object per line, fsyncs each batch, and rotates by size (PATH → PATH.1 → PATH.2 …). */
export class JsonlFileSink implements AuditSink {
  readonly name: string;
  private file: FileHandle | undefined;
  private size = 0;

  constructor(private readonly opts: JsonlFileSinkOptions) {
    this.name = `jsonl:${opts.name}`;
  }

  async deliver(events: readonly AuditEvent[]): Promise<void> {
    const max = this.opts.maxBytes ?? 100 * 1024 * 1024;
    let pending: Buffer[] = [];
    let pendingSize = 0;
    for (const e of events) {
      const line = Buffer.from(`${JSON.stringify(formatEvent(e, this.opts))}\n`);
      await this.handle();
      // Rotate between lines, so every file stays under maxBytes (a single larger line gets a file of its own).
      if (this.size + pendingSize > 0 && this.size + pendingSize + line.length > max) {
        await this.write(pending);
        pending = [];
        pendingSize = 0;
        await this.rotate();
        await this.handle();
      }
      pending.push(line);
      pendingSize += line.length;
    }
    await this.write(pending);
  }

  private async write(lines: Buffer[]): Promise<void> {
    if (lines.length === 0) return;
    const file = await this.handle();
    const bytes = Buffer.concat(lines);
    await file.write(bytes);
    await file.datasync();
    this.size += bytes.length;
  }

  async close(): Promise<void> {
    await this.file?.close();
    this.file = undefined;
  }

  private async handle(): Promise<FileHandle> {
    if (this.file) return this.file;
    await mkdir(dirname(this.opts.path), { recursive: true });
    this.file = await open(this.opts.path, 'a', 0o600);
    this.size = (await stat(this.opts.path)).size;
    return this.file;
  }

  private async rotate(): Promise<void> {
    await this.close();
    const keep = this.opts.keep ?? 5;
    for (let i = keep - 1; i >= 1; i--) {
      await rename(`${this.opts.path}.${i}`, `${this.opts.path}.${i + 1}`).catch(() => {}); // a gap in the series is fine
    }
    await rename(this.opts.path, `${this.opts.path}.1`);
  }
}
