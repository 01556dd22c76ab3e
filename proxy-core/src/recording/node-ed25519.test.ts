import { generateSigningKey, signEd25519, verifyEd25519 } from '@vigil/recordings';
import { describe, expect, it } from 'vitest';
import { nodeSignEd25519 } from './node-ed25519';

describe('nodeSignEd25519', () => {
  it('signs exactly as the portable code does, and the signatures verify', () => {
    for (let i = 0; i < 5; i++) {
      const key = generateSigningKey();
      const message = new TextEncoder().encode(`seal ${i} `.repeat(i * 40 + 1));
      const native = nodeSignEd25519(message, key.privateKey);
      expect(native).toEqual(signEd25519(message, key.privateKey));
      expect(verifyEd25519(native, message, key.publicKey)).toBe(true);
    }
  });
});
