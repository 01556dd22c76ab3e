import { BufferWriter } from '../buffer-writer';
import { FrontendCode } from '../message-codes';

/** Extended-protocol messages as a client writes them, for tests. */
export { serializeParse as parse } from '../frontend-serializer';

/** A Bind of `statement` into `portal`, its parameters as text; results as text, or all binary. */
export function bind(portal: string, statement: string, params: string[] = [], binaryResults = false): Uint8Array {
  const w = new BufferWriter(64).addCString(portal).addCString(statement).addInt16(0).addInt16(params.length);
  for (const p of params) w.addNullableBytes(Buffer.from(p));
  return (binaryResults ? w.addInt16(1).addInt16(1) : w.addInt16(0)).flush(FrontendCode.Bind);
}

export function execute(portal = '', maxRows = 0): Uint8Array {
  return new BufferWriter(portal.length + 5).addCString(portal).addInt32(maxRows).flush(FrontendCode.Execute);
}

/** Close of a prepared statement (`S`) or a portal (`P`). */
export function close(target: 'S' | 'P', name: string): Uint8Array {
  return new BufferWriter(name.length + 2).addByte(target.charCodeAt(0)).addCString(name).flush(FrontendCode.Close);
}

/** Describe of a prepared statement (`S`) or a portal (`P`). */
export function describe(target: 'S' | 'P', name: string): Uint8Array {
  return new BufferWriter(name.length + 2).addByte(target.charCodeAt(0)).addCString(name).flush(FrontendCode.Describe);
}

/** A fast-path FunctionCall of the function with OID `oid`, its arguments as text, its result as text. */
export function functionCall(oid: number, args: string[]): Uint8Array {
  const w = new BufferWriter(64).addInt32(oid).addInt16(0).addInt16(args.length);
  for (const a of args) w.addNullableBytes(Buffer.from(a));
  return w.addInt16(0).flush(FrontendCode.FunctionCall);
}
