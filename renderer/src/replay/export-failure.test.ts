import { describe, expect, it } from 'vitest';
import { ApiError, DownloadError } from '../api/api-client';
import { exportFailure } from './export-failure';

describe('exportFailure', () => {
  it('turns each way an export fails into something to act on', () => {
    expect(exportFailure(new ApiError(409, 'session s is live'))).toBe(
      'session s is live (a live session can be exported once it has ended)',
    );
    expect(exportFailure(new ApiError(403, 'forbidden'))).toBe('forbidden (your role may not export evidence)');
    expect(exportFailure(new DownloadError(10, new Error('reset')))).toBe(
      'the download stopped after 10 bytes: reset. The partial packet was discarded; try again.',
    );
    expect(exportFailure('odd')).toBe('odd');
  });
});
