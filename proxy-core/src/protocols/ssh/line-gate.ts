import { StringDecoder } from 'node:string_decoder';
import { parseShellCommand } from '../../shell/shell-command';
import { LineEditor } from './line-editor';

/** The decision on one line, as the shell handler gives it (policy, approval and recording are its business). */
export type LineVerdict =
  | { outcome: 'allow' }
  | { outcome: 'deny'; message: string }
  | {
      outcome: 'review';
      notice: string;
      decided: Promise<{ approved: boolean; message: string }>;
      /** The agent pressed Ctrl-C while the line was held: cancel its request (`decided` then says no). */
      withdraw(): void;
    };

export interface LineGateDeps {
  /**
   * `terminal`: a PTY; keys go through at once (the shell echoes and edits them) and only Enter is held until the
   * line is judged. `lines`: no PTY (commands arrive on stdin, e.g. `ssh host bash < script`); nothing goes through
   * before the line — or the multi-line construct it opens — is complete and judged.
   */
  mode: 'terminal' | 'lines';
  forward(bytes: Buffer): void;
  /** Shows text to the agent (terminal: on screen; lines: on stderr). */
  tell(text: string): void;
  judge(line: { text: string; uncertain?: string }): LineVerdict;
  /** The agent's EOF, once everything before it was judged. */
  end(): void;
  /**
   * Stop (true) or resume (false) reading the agent while a line is held, so held input stays bounded: at once in
   * `lines` mode; in `terminal` mode only past MAX_HELD_BYTES, so that a Ctrl-C typed meanwhile is seen.
   */
  held?(held: boolean): void;
}

/**
 * Ctrl-U clears the line before the cursor, in readline (unix-line-discard) and in a canonical-mode tty (VKILL);
 * Ctrl-K then clears what is after it, when the cursor was moved back.
 */
const KILL_BEFORE = Buffer.from('\x15');
const KILL_AFTER = Buffer.from('\x0b');
const CR = Buffer.from('\r');
const MAX_BLOCK_BYTES = 64 * 1024;
const MAX_BLOCK_LINES = 2000;
/** Keys typed while a line is held that are read (and queued) before the agent's side is paused. */
const MAX_HELD_BYTES = 64 * 1024;
/** Ctrl-C (VINTR): while a line is held, it withdraws the line. */
const ETX = 0x03;

/**
 * Holds what an agent types into a shell at each line end until policy has judged the line: allow sends it on,
 * deny erases it and says why, review holds it (and everything typed after it) until an approver decides. Every
 * line is judged, so step mode (every command held) needs nothing more here.
 */
export class LineGate {
  private readonly editor = new LineEditor();
  private readonly decoder = new StringDecoder('utf8');
  private holding = false;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  /** Reading the agent was paused while a line is held. */
  private paused = false;
  /** Withdraws the held line (set while one is held in terminal mode, until used). */
  private withdrawHeld: (() => void) | undefined;
  private endPending = false;
  private closed = false;
  // `lines` mode: bytes of the line being read, and of complete lines waiting for the construct to close.
  private partial: Buffer[] = [];
  /** The refused line may go on after the cursor. */
  private killAfterCursor = false;
  private block: Buffer[] = [];
  private blockText = '';

  constructor(private readonly deps: LineGateDeps) {}

  push(data: Buffer): void {
    if (this.closed) return;
    if (this.holding) this.queueWhileHeld(data);
    else if (this.deps.mode === 'terminal') this.terminal(data);
    else this.lines(data);
  }

  /** The agent sent EOF. */
  end(): void {
    if (this.closed) return;
    this.endPending = true;
    if (!this.holding) this.finish();
  }

  close(): void {
    this.closed = true;
    this.queue = [];
  }

  private terminal(data: Buffer): void {
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      const byte = data[i];
      if (byte !== 0x0d && byte !== 0x0a) continue;
      this.typed(data.subarray(start, i));
      start = i + 1;
      const { line, uncertain, afterCursor } = this.editor.enter();
      const enter = data.subarray(i, i + 1);
      if (line.trim() === '' && !uncertain) {
        this.deps.forward(enter);
        continue;
      }
      this.killAfterCursor = afterCursor > 0 || uncertain !== undefined;
      const verdict = this.deps.judge(uncertain ? { text: line, uncertain } : { text: line });
      if (this.apply(verdict, enter, data.subarray(start))) return;
    }
    this.typed(data.subarray(start));
  }

  private typed(keys: Buffer): void {
    if (keys.length === 0) return;
    this.deps.forward(keys);
    this.editor.feed(this.decoder.write(keys));
  }

  private lines(data: Buffer): void {
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      if (data[i] !== 0x0a) continue;
      this.partial.push(data.subarray(start, i + 1));
      start = i + 1;
      const line = Buffer.concat(this.partial);
      this.partial = [];
      this.block.push(line);
      this.blockText += this.decoder.write(line);
      if (this.waitForMore()) continue;
      if (this.judgeBlock(data.subarray(start))) return;
    }
    if (start < data.length) this.partial.push(Buffer.from(data.subarray(start)));
    if (this.partial.reduce((n, b) => n + b.length, 0) >= MAX_BLOCK_BYTES) {
      // A line longer than any command: judge what there is rather than buffer without end.
      const line = Buffer.concat(this.partial);
      this.partial = [];
      this.block.push(line);
      this.blockText += this.decoder.write(line);
      this.judgeBlock(Buffer.alloc(0));
    }
  }

  /** An unfinished construct (`for … do`, a here-document, an open quote) waits for the lines that close it. */
  private waitForMore(): boolean {
    const bytes = this.block.reduce((n, b) => n + b.length, 0);
    if (bytes >= MAX_BLOCK_BYTES || this.block.length >= MAX_BLOCK_LINES) return false;
    return parseShellCommand(this.blockText).incomplete === true;
  }

  /** Judges the accumulated block; returns true when it is held (the rest of `data` is queued). */
  private judgeBlock(rest: Buffer): boolean {
    const bytes = Buffer.concat(this.block);
    const text = this.blockText.replace(/\r?\n$/, '');
    this.block = [];
    this.blockText = '';
    if (text.trim() === '') {
      this.deps.forward(bytes);
      return false;
    }
    return this.apply(this.deps.judge({ text }), bytes, rest);
  }

  /** Acts on a verdict for `release` (Enter, or a block of lines); returns true while it is held. */
  private apply(verdict: LineVerdict, release: Buffer, rest: Buffer): boolean {
    switch (verdict.outcome) {
      case 'allow':
        this.deps.forward(release);
        return false;
      case 'deny':
        this.refuse(verdict.message);
        return false;
      case 'review':
        this.hold(verdict, Buffer.from(release), rest);
        return true;
    }
  }

  private hold(verdict: Extract<LineVerdict, { outcome: 'review' }>, release: Buffer, rest: Buffer): void {
    this.holding = true;
    if (this.deps.mode === 'terminal') this.withdrawHeld = () => verdict.withdraw();
    else this.pause();
    this.tellLine(verdict.notice);
    if (rest.length > 0) this.queueWhileHeld(Buffer.from(rest));
    verdict.decided
      .catch(() => ({ approved: false, message: 'the approval could not be completed, so the line was not run' }))
      .then((outcome) => {
        if (this.closed) return;
        if (outcome.approved) this.deps.forward(release);
        else this.refuse(outcome.message);
        this.release();
      });
  }

  /** Input that arrives while a line is held waits; a Ctrl-C in it withdraws the line (terminal mode). */
  private queueWhileHeld(data: Buffer): void {
    this.queue.push(data);
    this.queuedBytes += data.length;
    if (this.withdrawHeld && data.includes(ETX)) {
      const withdraw = this.withdrawHeld;
      this.withdrawHeld = undefined;
      withdraw();
    }
    if (this.queuedBytes > MAX_HELD_BYTES) this.pause();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.deps.held?.(true);
  }

  private release(): void {
    this.holding = false;
    this.withdrawHeld = undefined;
    if (this.paused) {
      this.paused = false;
      this.deps.held?.(false);
    }
    const queued = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    for (const [i, data] of queued.entries()) {
      this.push(data);
      if (this.holding) {
        // Held again: what came after waits behind it, in order.
        for (const later of queued.slice(i + 1)) {
          this.queue.push(later);
          this.queuedBytes += later.length;
        }
        return;
      }
    }
    if (this.endPending) this.finish();
  }

  private refuse(message: string): void {
    if (this.deps.mode === 'terminal') {
      this.tellLine(message);
      this.deps.forward(KILL_BEFORE);
      if (this.killAfterCursor) this.deps.forward(KILL_AFTER);
      this.deps.forward(CR);
    } else {
      this.tellLine(message);
    }
  }

  private tellLine(text: string): void {
    this.deps.tell(this.deps.mode === 'terminal' ? `\r\n${text.replace(/\n/g, '\r\n')}\r\n` : `${text}\n`);
  }

  private finish(): void {
    if (this.deps.mode === 'lines' && (this.partial.length > 0 || this.block.length > 0)) {
      // The last line had no newline: judge what there is.
      const tail = Buffer.concat(this.partial);
      this.partial = [];
      this.block.push(tail);
      this.blockText += this.decoder.write(tail);
      if (this.judgeBlock(Buffer.alloc(0))) return;
    }
    this.endPending = false;
    this.deps.end();
  }
}
