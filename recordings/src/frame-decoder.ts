import { FrameTag } from './format';
import type { Frame } from './recording.types';
import { ByteCursor } from './varint';

export interface DecodedChunk {
  frames: Frame[];
  bytesClient: number;
  bytesServer: number;
  lastTUs: number;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes the raw bytes of one chunk. Throws `RangeError`/`SyntaxError` with the frame number when the
 * data is malformed; byte payloads are views into `raw`. @see FORMAT.md §4
 */
export function decodeFrames(raw: Uint8Array, firstFrame: number, firstTUs: number): DecodedChunk {
  const cur = new ByteCursor(raw);
  const frames: Frame[] = [];
  let tUs = firstTUs;
  let bytesClient = 0;
  let bytesServer = 0;
  while (!cur.done) {
    const n = firstFrame + frames.length;
    const tag = cur.u8();
    const kind = tag & FrameTag.kindMask;
    if (
      tag & ~(FrameTag.kindMask | FrameTag.hasChannel) ||
      (tag & FrameTag.hasChannel && kind > FrameTag.bytesServer)
    ) {
      throw new RangeError(`frame ${n}: invalid tag 0x${tag.toString(16)}`);
    }
    tUs += cur.varint();
    if (kind === FrameTag.bytesClient || kind === FrameTag.bytesServer) {
      const channel = tag & FrameTag.hasChannel ? cur.u8() : 0;
      const data = cur.bytes(cur.varint());
      const direction = kind === FrameTag.bytesClient ? 'client' : 'server';
      if (direction === 'client') bytesClient += data.length;
      else bytesServer += data.length;
      frames.push({ n, tUs, kind: 'bytes', direction, channel, data });
    } else if (kind === FrameTag.resize) {
      frames.push({ n, tUs, kind: 'resize', cols: cur.varint(), rows: cur.varint() });
    } else if (kind === FrameTag.annotation) {
      const json = cur.bytes(cur.varint());
      frames.push({ n, tUs, kind: 'annotation', value: JSON.parse(textDecoder.decode(json)) });
    } else {
      throw new RangeError(`frame ${n}: unknown frame kind ${kind}`);
    }
  }
  return { frames, bytesClient, bytesServer, lastTUs: tUs };
}
