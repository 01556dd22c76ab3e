import { describe, it } from 'vitest';
import { dataRowValues, parseBackend } from './backend-parser';
import { serializeDataRow, serializeRowDescription } from './backend-serializer';
import { ProtocolError } from './errors';
import type { PgFrame } from './framer';
import { type PasswordMessageKind, parseFrontend } from './frontend-parser';
import { BackendCode, FrontendCode } from './message-codes';
import { parseStartupPacket, serializeStartup } from './startup';
import { BufferList, utf8 } from './testing/buffer-list';

/** Deterministic xorshift32, so a failure names a reproducible seed. */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** Runs `parse`, failing the test on anything but success or a ProtocolError. */
function onlyProtocolErrors(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
  }
}

const frame = (code: number, payload: Uint8Array): PgFrame => ({ code, payload, bytes: payload });

const frontendSamples = [
  new BufferList().addCString('select 1').join(),
  new BufferList().addCString('s').addCString('select $1').addInt16(1).addInt32(23).join(),
  new BufferList()
    .addCString('')
    .addCString('s')
    .addInt16(1)
    .addInt16(0)
    .addInt16(1)
    .addInt32(2)
    .addString('42')
    .addInt16(0)
    .join(),
  new BufferList().addInt32(1598).addInt16(0).addInt16(1).addInt32(-1).addInt16(0).join(),
];
const backendSamples: [number, Uint8Array][] = [
  [BackendCode.DataRow, serializeDataRow([utf8('alice'), null, utf8('x')]).subarray(5)],
  [
    BackendCode.RowDescription,
    serializeRowDescription([
      { name: 'a', tableOid: 1, attnum: 1, typeOid: 25, typeSize: -1, typeMod: -1, format: 0 },
    ]).subarray(5),
  ],
  [BackendCode.ErrorResponse, new BufferList().addChar('C').addCString('42501').addByte(0).join()],
  [BackendCode.Authentication, new BufferList().addInt32(10).addCString('SCRAM-SHA-256').addByte(0).join()],
];

describe('malformed input never crashes the codec', () => {
  it('random bytes under every message type give a result or a ProtocolError', () => {
    const next = random(42);
    const kinds: PasswordMessageKind[] = ['password', 'sasl-initial-response', 'sasl-response'];
    for (let i = 0; i < 4_000; i++) {
      const payload = Uint8Array.from({ length: Math.floor(next() * 40) }, () =>
        next() < 0.3 ? 0 : Math.floor(next() * 256),
      );
      const code = Math.floor(next() * 128);
      onlyProtocolErrors(() => parseFrontend(frame(code, payload), { passwordKind: kinds[i % 3] }));
      onlyProtocolErrors(() => parseBackend(frame(code, payload)));
      onlyProtocolErrors(() => dataRowValues(payload));
      onlyProtocolErrors(() => parseStartupPacket(payload));
    }
  });

  it('valid messages with one byte changed, or cut short, give a result or a ProtocolError', () => {
    const next = random(7);
    const startup = serializeStartup({ user: 'u', database: 'd' }).subarray(4);
    const cases: [(p: Uint8Array) => unknown, Uint8Array][] = [
      ...frontendSamples.map((p, i): [(p: Uint8Array) => unknown, Uint8Array] => {
        const code = [FrontendCode.Query, FrontendCode.Parse, FrontendCode.Bind, FrontendCode.FunctionCall][
          i
        ] as number;
        return [(q) => parseFrontend(frame(code, q)), p];
      }),
      ...backendSamples.map(([code, p]): [(p: Uint8Array) => unknown, Uint8Array] => [
        (q) => parseBackend(frame(code, q)),
        p,
      ]),
      [parseStartupPacket, startup],
    ];
    for (const [parse, sample] of cases) {
      for (let i = 0; i < 2_000; i++) {
        const mutated = sample.slice(0, i % 2 ? sample.length : Math.floor(next() * sample.length));
        if (mutated.length > 0) mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
        onlyProtocolErrors(() => parse(mutated));
      }
    }
  });
});
