import { readFile, writeFile } from 'node:fs/promises';
import { byteSourceFromBytes, openRecording, openZip } from '@vigil/recordings';

/**
 * Writes a copy of the packet with one bit flipped in the middle of the first chunk of a session's recording
 * (stored in the zip, so its bytes sit there as they are). Returns the chunk's number and offset in the .vrec.
 */
export async function flipRecordingByte(
  packetPath: string,
  sessionId: string,
  outPath: string,
): Promise<{ chunk: number; offsetInRecording: number }> {
  const bytes = new Uint8Array(await readFile(packetPath));
  const zip = await openZip(byteSourceFromBytes(bytes));
  const entry = zip.get(`sessions/${sessionId}/recording.vrec`);
  if (entry?.method !== 0) throw new Error(`no stored recording of ${sessionId} in ${packetPath}`);
  // Local file header: 30 bytes, then the name and the extra field (APPNOTE.TXT 4.3.7).
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataStart =
    entry.localHeaderOffset +
    30 +
    view.getUint16(entry.localHeaderOffset + 26, true) +
    view.getUint16(entry.localHeaderOffset + 28, true);
  const recording = await openRecording(byteSourceFromBytes(bytes.subarray(dataStart, dataStart + entry.size)));
  const chunk = recording.chunks[0];
  if (!chunk) throw new Error('the recording has no chunk');
  const offsetInRecording = chunk.offset + Math.floor(chunk.length / 2);
  const at = dataStart + offsetInRecording;
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  await writeFile(outPath, bytes);
  return { chunk: 0, offsetInRecording };
}
