import type { RecordedSession } from '../../pipeline/recorded-session.types';
import { type MaskedChunk, OutputMasker } from './output-masker';
import type { OutputMask } from './ssh.types';

/** How long held-back output (a possible secret's first half) waits for more before it is masked as it is. */
const HOLD_MS = 25;

/**
 * One output stream towards the agent (terminal, stdout or stderr): masks it when the connection's policy has
 * detectors, records exactly what the agent receives, and annotates each masked span for the replay overlay.
 */
export class MaskedOutput {
  private readonly masker: OutputMasker | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly session: RecordedSession,
    private readonly channel: number,
    private readonly write: (bytes: Buffer) => boolean,
    mask: OutputMask | undefined,
  ) {
    this.masker = mask ? new OutputMasker(mask) : undefined;
  }

  /** Returns false when the agent's side is full (pause the source until it drains). */
  push(data: Buffer): boolean {
    if (!this.masker) {
      this.session.serverBytes(data, this.channel);
      return this.write(data);
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    const ok = this.emit(this.masker.push(data));
    if (this.masker.holding) this.timer = setTimeout(() => this.flush(), HOLD_MS).unref();
    return ok;
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.masker) this.emit(this.masker.flush());
  }

  private emit(chunk: MaskedChunk): boolean {
    if (chunk.bytes.length === 0) return true;
    const frame = this.session.serverBytes(chunk.bytes, this.channel);
    if (chunk.spans.length > 0) {
      this.session.countMasked(chunk.spans.length);
      this.session.annotate({ type: 'mask', frame, channel: this.channel, spans: chunk.spans });
    }
    return this.write(chunk.bytes);
  }
}
