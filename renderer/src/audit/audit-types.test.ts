import { describe, expect, it } from 'vitest';
import { KNOWN_TYPES, typeOptions } from './audit-types';

describe('audit event types', () => {
  it('offers the types the gateway writes', () => {
    for (const type of ['session.start', 'session.end', 'statement', 'auth.login', 'evidence.export']) {
      expect(KNOWN_TYPES).toContain(type);
    }
    // Names the gateway never wrote (they filtered to nothing).
    for (const type of ['session.started', 'session.ended', 'evidence.exported', 'command']) {
      expect(KNOWN_TYPES).not.toContain(type);
    }
  });

  it('adds the types seen in the events, once each', () => {
    const options = typeOptions([{ type: 'ssh.forwarding' }, { type: 'statement' }, { type: 'ssh.forwarding' }]);
    expect(options.slice(KNOWN_TYPES.length)).toEqual(['ssh.forwarding']);
    expect(options.filter((t) => t === 'statement')).toHaveLength(1);
  });
});
