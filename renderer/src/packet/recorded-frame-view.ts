import type { Frame as RecordedFrame } from '@vigil/recordings';
import { normalizeFrame } from '../api/annotations';
import type { Annotation, Frame } from '../api/api.types';
import { bytesToHex } from '../lib/hex';
import { decodePgFrame } from '../pg-wire/pg-frame-decoder';

/** How much of a bytes frame is kept as hex, as the gateway's API sends it: enough for the inspector. */
export const HEX_BYTES = 4096;

/**
 * A frame read from a `.vrec` as the replay shows it: the shape the gateway's API gives (proxy-core
 * `api/frame-view.ts`), hex plus decoded PostgreSQL messages. Terminal bytes are kept whole (copied: the
 * reader's views point into a chunk buffer), so xterm replays output frames longer than the hex.
 */
export function recordedFrameView(frame: RecordedFrame, protocol: string): Frame {
  switch (frame.kind) {
    case 'annotation':
      return normalizeFrame({ n: frame.n, tUs: frame.tUs, kind: 'annotation', value: frame.value as Annotation });
    case 'resize':
      return { n: frame.n, tUs: frame.tUs, kind: 'resize', cols: frame.cols, rows: frame.rows };
    case 'bytes': {
      const { data } = frame;
      const view: Frame = {
        n: frame.n,
        tUs: frame.tUs,
        kind: 'bytes',
        direction: frame.direction,
        channel: frame.channel,
        size: data.length,
        hex: bytesToHex(data.subarray(0, HEX_BYTES)),
      };
      if (protocol === 'postgres' && frame.channel === 0) {
        const decoded = decodePgFrame(frame.direction, data);
        view.messages = decoded.messages;
        if (decoded.truncated) view.messagesTruncated = true;
      } else if (data.length > HEX_BYTES) {
        view.data = data.slice();
      }
      return view;
    }
  }
}
