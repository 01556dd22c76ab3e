import { describe, expect, it } from 'vitest';
import { saslprep } from './saslprep';

describe('saslprep', () => {
  it('leaves ASCII passwords alone, including controls (they are used raw, as libpq does)', () => {
    expect(saslprep('user')).toBe('user');
    expect(saslprep('USER')).toBe('USER');
    expect(saslprep('tab\there')).toBe('tab\there');
  });

  // RFC 4013 §3 examples.
  it('removes characters mapped to nothing', () => {
    expect(saslprep('I\u00adX')).toBe('IX');
  });

  it('normalizes with NFKC', () => {
    expect(saslprep('\u00aa')).toBe('a');
    expect(saslprep('\u2168')).toBe('IX');
    expect(saslprep('ｐａｓｓ')).toBe('pass');
  });

  it('maps non-ASCII spaces to SPACE', () => {
    expect(saslprep('a\u00a0b\u3000c')).toBe('a b c');
  });

  it('falls back to the raw password when the result has prohibited characters, like libpq', () => {
    expect(saslprep('\u00e9\u0007')).toBe('\u00e9\u0007');
    expect(saslprep('\u00e9\ue000')).toBe('\u00e9\ue000');
    expect(saslprep('\u00ad')).toBe('\u00ad'); // maps to nothing: an empty password is never right
  });
});
