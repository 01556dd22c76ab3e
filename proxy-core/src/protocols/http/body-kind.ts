/**
 * How a response body is masked, from its media type: JSON by path and detectors, text by detectors, binary not at
 * all (recorded as is). Unknown and missing types count as text: a detector pass costs time, a missed secret more.
 */
export type BodyKind = 'json' | 'text' | 'binary';

const BINARY_TOP = new Set(['image', 'audio', 'video', 'font', 'model']);
const BINARY_TYPES = new Set([
  'application/octet-stream',
  'application/zip',
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/x-bzip2',
  'application/x-xz',
  'application/zstd',
  'application/x-7z-compressed',
  'application/pdf',
  'application/wasm',
  'application/protobuf',
  'application/x-protobuf',
  'application/vnd.google.protobuf',
  'application/grpc',
  'application/msgpack',
  'application/x-msgpack',
  'application/cbor',
  'application/vnd.apache.parquet',
  'application/vnd.apache.arrow.stream',
  'application/vnd.apache.arrow.file',
]);

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function bodyKind(contentType: string | undefined): BodyKind {
  const type = mediaType(contentType);
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (BINARY_TYPES.has(type) || BINARY_TOP.has(type.split('/')[0] ?? '')) return 'binary';
  return 'text';
}
