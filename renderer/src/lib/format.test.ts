import { describe, expect, it } from 'vitest';
import { elapsedMs, formatBytes, formatDuration, formatTimecode, shortHash } from './format';

describe('format', () => {
  it('formats durations at a readable precision', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12s');
    expect(formatDuration(187_000)).toBe('3m 07s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-1)).toBe('—');
  });

  it('formats recording time as a timecode', () => {
    expect(formatTimecode(127_345_000)).toBe('02:07.345');
    expect(formatTimecode(3_727_345_000)).toBe('1:02:07.345');
    expect(formatTimecode(0)).toBe('00:00.000');
  });

  it('formats byte counts', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
  });

  it('measures elapsed time, up to now for running things', () => {
    expect(elapsedMs('2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z', 0)).toBe(60_000);
    expect(elapsedMs('2025-01-01T00:00:00Z', null, Date.parse('2025-01-01T00:00:05Z'))).toBe(5000);
  });

  it('shortens hashes', () => {
    expect(shortHash('abcdef0123456789')).toBe('abcdef012345');
    expect(shortHash(null)).toBe('—');
  });
});
