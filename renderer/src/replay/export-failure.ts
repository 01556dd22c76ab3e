import { ApiError, DownloadError } from '../api/api-client';

/** Why an export failed, in words a person can act on. */
export function exportFailure(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 409) return `${error.message} (a live session can be exported once it has ended)`;
    if (error.status === 403) return `${error.message} (your role may not export evidence)`;
    return error.message;
  }
  if (error instanceof DownloadError) return `${error.message}. The partial packet was discarded; try again.`;
  return error instanceof Error ? error.message : String(error);
}
