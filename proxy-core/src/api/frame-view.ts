import type { Frame } from '@vigil/recordings';
import type { LiveFrame } from '../pipeline/session-events';
import type { Protocol } from '../store/store.types';
import { decodePgFrame, type PgMessageView } from './pg-frame-decoder';

/** How much of a bytes frame is sent as hex: enough for the inspector; the .vrec has the rest. */
export const HEX_BYTES = 4096;

export type FrameView =
  | {
      n: number;
      tUs: number;
      kind: 'bytes';
      direction: 'client' | 'server';
      channel: number;
      size: number;
      hex: string;
      messages?: PgMessageView[];
      messagesTruncated?: true;
    }
  | { n: number; tUs: number; kind: 'annotation'; value: unknown }
  | { n: number; tUs: number; kind: 'resize'; cols: number; rows: number };

/** A recorded (or live) frame as the API sends it: bytes as hex plus, for PostgreSQL, the decoded messages. */
export function frameView(frame: Frame | LiveFrame, protocol: Protocol | string): FrameView {
  switch (frame.kind) {
    case 'annotation':
      return { n: frame.n, tUs: frame.tUs, kind: 'annotation', value: frame.value };
    case 'resize':
      return { n: frame.n, tUs: frame.tUs, kind: 'resize', cols: frame.cols, rows: frame.rows };
    case 'bytes': {
      const { data } = frame;
      const head = data.subarray(0, HEX_BYTES);
      const view: FrameView = {
        n: frame.n,
        tUs: frame.tUs,
        kind: 'bytes',
        direction: frame.direction,
        channel: frame.channel,
        size: data.length,
        hex: Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('hex'),
      };
      if (protocol === 'postgres' && frame.channel === 0) {
        const decoded = decodePgFrame(frame.direction, data);
        view.messages = decoded.messages;
        if (decoded.truncated) view.messagesTruncated = true;
      }
      return view;
    }
  }
}
