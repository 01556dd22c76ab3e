import type { FramesPage } from '../api/api.types';
import type { MarkerIndex } from './timeline-markers';

export type FetchAnnotations = (from: number, limit: number, signal: AbortSignal) => Promise<FramesPage>;

const PAGE = 5_000;
const MAX_PAGES = 200;

export type MarkerCoverage = 'complete' | 'partial';

/**
 * Fills the timeline's markers from annotation frames only (`frames?kind=annotation`), so a 1M-frame session
 * shows all its commands without loading its bytes. A server that ignores `kind` answers with every frame: then
 * only what was fetched counts, and the rest of the markers appear as the replay loads pages ('partial').
 */
export async function loadMarkers(
  fetchAnnotations: FetchAnnotations,
  index: MarkerIndex,
  onProgress: () => void,
  signal: AbortSignal,
): Promise<MarkerCoverage> {
  let from: number | null = 0;
  for (let i = 0; i < MAX_PAGES && from !== null; i += 1) {
    const page = await fetchAnnotations(from, PAGE, signal);
    if (signal.aborted) return 'partial';
    if (index.add(page.frames)) onProgress();
    const filtered = page.frames.every((frame) => frame.kind === 'annotation');
    if (page.next === null) return 'complete';
    if (!filtered || page.next <= from) return 'partial';
    from = page.next;
  }
  return 'partial';
}
