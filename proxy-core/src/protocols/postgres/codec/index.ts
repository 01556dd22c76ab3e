/**
 * PostgreSQL v3 wire-protocol codec: pure functions over bytes, used by the gateway both as the
 * agent's server and as the upstream's client. No sockets, clocks or logs in here.
 */
export * from './backend-parser';
export * from './backend-serializer';
export { BufferReader } from './buffer-reader';
export { BufferWriter } from './buffer-writer';
export { ByteSlab } from './byte-slab';
export { FramingError, ProtocolError } from './errors';
export * from './framer';
export * from './frontend-parser';
export * from './frontend-serializer';
export { md5Password } from './md5-password';
export * from './message-codes';
export type * from './messages.types';
export * from './pg-error';
export { saslprep } from './saslprep';
export * from './scram-client';
export { SqlState } from './sqlstate';
export * from './startup';
