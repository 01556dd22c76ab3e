import type { Frame } from '../recording.types';
import type { Recording } from '../recording-reader';
import { annotationText } from './annotation-text';
import { enhancedPacketBlock, interfaceDescriptionBlock, PCAPNG, sectionHeaderBlock } from './pcapng-blocks';
import { MAX_TCP_PAYLOAD, TcpConversation, type TcpEndpoint } from './tcp-synth';

export interface CaptureOptions {
  /** Server port of the rebuilt conversation: what the dissector keys on (5432 = pgsql). */
  serverPort: number;
  /** Client port; default 40000. */
  clientPort?: number;
  /** Shown in the section header (what the capture is and how it was made). */
  comment: string;
  /** Name of the producing tool, e.g. `vigil 0.1.0`. */
  application?: string;
  /** Segment size limit; default the IPv4 maximum (65 495 bytes). */
  maxSegment?: number;
  /** Only bytes frames of this channel are rebuilt; default 0. */
  channel?: number;
}

// Documentation addresses (RFC 5737 TEST-NET-1) and locally administered MACs: plainly synthetic.
const CLIENT_IP = [192, 0, 2, 10] as const;
const SERVER_IP = [192, 0, 2, 1] as const;
const CLIENT_MAC = Uint8Array.of(0x02, 0, 0, 0, 0, 0x0a);
const SERVER_MAC = Uint8Array.of(0x02, 0, 0, 0, 0, 0x01);

/**
 * Rebuilds a recorded session as a pcapng capture of one TCP conversation: handshake, every recorded bytes
 * frame as one or more segments in its direction, FIN. Each packet's timestamp is the frame's; the first
 * segment of each frame carries a comment with its frame number, and annotations (decisions, approvals,
 * masks, notes) become comments on the packet of the frame they follow. Streams: one chunk in memory.
 */
export async function* captureFromRecording(recording: Recording, opts: CaptureOptions): AsyncIterable<Uint8Array> {
  const startUs = recording.header.startedAtUs;
  yield sectionHeaderBlock({ comment: opts.comment, application: opts.application ?? 'vigil' });
  yield interfaceDescriptionBlock({
    linkType: PCAPNG.linkTypeEthernet,
    name: 'vigil-synthetic',
    description: `rebuilt from recording ${recording.header.sessionId}`,
  });
  const client: TcpEndpoint = { mac: CLIENT_MAC, ip: CLIENT_IP, port: opts.clientPort ?? 40_000 };
  const server: TcpEndpoint = { mac: SERVER_MAC, ip: SERVER_IP, port: opts.serverPort };
  const tcp = new TcpConversation(client, server, isnFrom(recording.header.sessionId));
  const channel = opts.channel ?? 0;
  const maxSegment = opts.maxSegment ?? MAX_TCP_PAYLOAD;
  /** The last packet is held back so that annotations written after its frame can still be attached to it. */
  let held: { tUs: number; packet: Uint8Array; comments: string[] } | undefined;
  let early: string[] = [];
  let opened = false;
  let lastTUs = 0;

  const emit = function* (tUs: number, packets: Uint8Array[], firstComment?: string) {
    for (const [i, packet] of packets.entries()) {
      if (held) yield enhancedPacketBlock(startUs + held.tUs, held.packet, held.comments);
      let comments: string[] = [];
      if (i === 0) {
        comments = firstComment ? [firstComment, ...early] : early;
        early = [];
      }
      held = { tUs, packet, comments };
    }
  };

  for (let c = 0; c < recording.chunks.length; c++) {
    const frames: Frame[] = await recording.readChunk(c);
    for (const f of frames) {
      lastTUs = f.tUs;
      if (f.kind === 'annotation') {
        const text = `vigil: ${annotationText(f.value)}`;
        if (held) held.comments.push(text);
        else early.push(text);
        continue;
      }
      if (f.kind !== 'bytes' || f.channel !== channel || f.data.length === 0) continue;
      if (!opened) {
        opened = true;
        yield* emit(f.tUs, tcp.handshake());
      }
      const arrow = f.direction === 'client' ? 'client → server' : 'server → client';
      yield* emit(
        f.tUs,
        tcp.data(f.direction, f.data, maxSegment),
        `vigil frame ${f.n} (${arrow}, ${f.data.length} bytes)`,
      );
    }
  }
  if (!opened) yield* emit(lastTUs, tcp.handshake());
  yield* emit(lastTUs, tcp.close('client'));
  if (held) yield enhancedPacketBlock(startUs + held.tUs, held.packet, [...held.comments, ...early]);
}

/** Initial sequence numbers derived from the session id: stable for the same recording. */
function isnFrom(id: string): { client: number; server: number } {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return { client: h, server: Math.imul(h ^ 0x5bd1e995, 0x01000193) >>> 0 };
}
