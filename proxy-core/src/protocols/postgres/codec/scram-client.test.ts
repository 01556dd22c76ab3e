import { describe, expect, it } from 'vitest';
import { md5Password } from './md5-password';
import { createScramClient, SCRAM_SHA_256, ScramError } from './scram-client';
import { text, utf8 } from './testing/buffer-list';

/** RFC 7677 §3: user "user", password "pencil". */
const RFC7677 = {
  clientNonce: 'rOprNGfwEbeRWgbNEkqO',
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

const rfcClient = () => createScramClient({ password: 'pencil', username: 'user', nonce: RFC7677.clientNonce });

/** A client that has sent its client-final-message for the RFC exchange. */
function afterContinue() {
  const client = rfcClient();
  client.initialResponse([SCRAM_SHA_256]);
  client.continue(utf8(RFC7677.serverFirst));
  return client;
}

describe('createScramClient', () => {
  it('reproduces the RFC 7677 test vector', () => {
    const client = rfcClient();
    const first = client.initialResponse(['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256']);
    expect(first.mechanism).toBe('SCRAM-SHA-256');
    expect(text(first.data)).toBe(RFC7677.clientFirst);
    expect(text(client.continue(utf8(RFC7677.serverFirst)))).toBe(RFC7677.clientFinal);
    expect(() => client.finish(utf8(RFC7677.serverFinal))).not.toThrow();
  });

  it('derives the salted password once per password, salt and iteration count', () => {
    const cache = new Map<string, Uint8Array>();
    const client = () =>
      createScramClient({ password: 'pencil', username: 'user', nonce: RFC7677.clientNonce, saltedPasswords: cache });
    const first = client();
    first.initialResponse([SCRAM_SHA_256]);
    expect(text(first.continue(utf8(RFC7677.serverFirst)))).toBe(RFC7677.clientFinal);
    expect(cache.size).toBe(1);
    // The second handshake takes the cached key: a wrong one in its place shows in the proof.
    const [key] = cache.keys();
    cache.set(key as string, new Uint8Array(32));
    const second = client();
    second.initialResponse([SCRAM_SHA_256]);
    expect(text(second.continue(utf8(RFC7677.serverFirst)))).not.toBe(RFC7677.clientFinal);
    // Another salt or iteration count derives again.
    const third = client();
    third.initialResponse([SCRAM_SHA_256]);
    third.continue(utf8(RFC7677.serverFirst.replace('i=4096', 'i=4097')));
    expect(cache.size).toBe(2);
  });

  it('sends an empty user name and a random 24-character nonce by default, as libpq does', () => {
    const a = text(createScramClient({ password: 'x' }).initialResponse([SCRAM_SHA_256]).data) ?? '';
    const b = text(createScramClient({ password: 'x' }).initialResponse([SCRAM_SHA_256]).data) ?? '';
    expect(a).toMatch(/^n,,n=,r=[A-Za-z0-9+/]{24}$/);
    expect(a).not.toBe(b);
  });

  it('rejects a server signature that does not match', () => {
    const client = afterContinue();
    expect(() => client.finish(utf8('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='))).toThrow(
      'server signature does not match',
    );
  });

  it('reports the server error of a server-final-message', () => {
    expect(() => afterContinue().finish(utf8('e=invalid-proof'))).toThrow(
      'SCRAM authentication failed on the server: invalid-proof',
    );
  });

  it('refuses servers that offer no SCRAM-SHA-256', () => {
    expect(() => createScramClient({ password: 'x' }).initialResponse(['SCRAM-SHA-256-PLUS'])).toThrow(
      'none of which is supported',
    );
  });

  it.each([
    [
      'a nonce that does not extend ours',
      'r=someone-else,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
      'does not extend the client nonce',
    ],
    [
      'a nonce equal to ours',
      `r=${RFC7677.clientNonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`,
      'does not extend the client nonce',
    ],
    ['no salt', `r=${RFC7677.clientNonce}x,i=4096`, 'has no salt'],
    ['a bad salt', `r=${RFC7677.clientNonce}x,s=!!!,i=4096`, 'salt is not valid base64'],
    ['zero iterations', `r=${RFC7677.clientNonce}x,s=c2FsdA==,i=0`, 'iteration count "0"'],
    ['too many iterations', `r=${RFC7677.clientNonce}x,s=c2FsdA==,i=2000000000`, 'iteration count "2000000000"'],
    ['a mandatory extension', `m=ext,r=${RFC7677.clientNonce}x,s=c2FsdA==,i=4096`, 'mandatory extension'],
    ['garbage', 'hello', 'malformed SCRAM message attribute'],
  ])('rejects a server-first-message with %s', (_, serverFirst, message) => {
    const client = rfcClient();
    client.initialResponse([SCRAM_SHA_256]);
    const error = (() => {
      try {
        client.continue(utf8(serverFirst));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ScramError);
    expect((error as Error).message).toContain(message);
  });

  it('enforces the order of steps', () => {
    const client = rfcClient();
    expect(() => client.continue(utf8(RFC7677.serverFirst))).toThrow(
      "cannot answer the server-first-message in step 'initial'",
    );
    expect(() => client.finish(utf8(RFC7677.serverFinal))).toThrow("in step 'initial'");
    client.initialResponse([SCRAM_SHA_256]);
    expect(() => client.initialResponse([SCRAM_SHA_256])).toThrow("cannot start in step 'awaiting-server-first'");
    client.continue(utf8(RFC7677.serverFirst));
    client.finish(utf8(RFC7677.serverFinal));
    expect(() => client.finish(utf8(RFC7677.serverFinal))).toThrow("in step 'done'");
  });

  it('rejects injected nonces that would break the message syntax', () => {
    expect(() => createScramClient({ password: 'x', nonce: 'a,b' })).toThrow(ScramError);
    expect(() => createScramClient({ password: 'x', nonce: '' })).toThrow(ScramError);
  });

  it('escapes "," and "=" in the user name (RFC 5802 saslname)', () => {
    const client = createScramClient({ password: 'x', username: 'a=b,c', nonce: 'n' });
    expect(text(client.initialResponse([SCRAM_SHA_256]).data)).toBe('n,,n=a=3Db=2Cc,r=n');
  });

  it('applies SASLprep to the password: a no-break space authenticates like a space', () => {
    const serverFirst = utf8(`r=${RFC7677.clientNonce}srv,s=c2FsdA==,i=4096`);
    const final = (password: string) => {
      const client = createScramClient({ password, nonce: RFC7677.clientNonce });
      client.initialResponse([SCRAM_SHA_256]);
      return text(client.continue(serverFirst));
    };
    expect(final('pass\u00a0word')).toBe(final('pass word'));
    expect(final('pass word')).not.toBe(final('password'));
  });
});

describe('md5Password', () => {
  it("computes 'md5' + md5(md5(password + user) + salt)", () => {
    expect(md5Password('app', 's3cret', Uint8Array.of(1, 2, 3, 4))).toBe('md51460f94130eb931937bbd6439ee8ab57');
    expect(md5Password('ünïcode', 'pässwörd', Uint8Array.of(0xff, 0, 0x80, 0x7f))).toBe(
      'md5f4a376e3cf146ac0de3469090f5e13cc',
    );
  });
});
