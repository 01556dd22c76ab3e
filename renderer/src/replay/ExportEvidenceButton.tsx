import { useEffect, useRef, useState } from 'react';
import type { Session } from '../api/api.types';
import { Icon } from '../components/Icon';
import { formatBytes } from '../lib/format';
import { saveDownload } from '../lib/save-download';
import { useApp } from '../shell/AppContext';
import { exportFailure } from './export-failure';

type ExportState = { kind: 'idle' } | { kind: 'exporting'; received: number } | { kind: 'failed'; message: string };

/**
 * `POST /api/evidence` for this session, saved as the zip the server names. The packet is streamed without a
 * length, so progress is the bytes received so far; Cancel stops the download.
 */
export function ExportEvidenceButton({ session }: { session: Session }) {
  const { api, toast } = useApp();
  const [state, setState] = useState<ExportState>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);

  useEffect(() => () => abort.current?.abort(), []);

  const run = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setState({ kind: 'exporting', received: 0 });
    try {
      const download = await api.exportEvidence([session.id], {
        signal: controller.signal,
        onProgress: (received) => setState({ kind: 'exporting', received }),
      });
      saveDownload(download);
      setState({ kind: 'idle' });
      toast(`Evidence packet saved: ${download.filename} (${formatBytes(download.blob.size)})`, 'success');
    } catch (error) {
      if (controller.signal.aborted) {
        setState({ kind: 'idle' });
        return;
      }
      const message = exportFailure(error);
      setState({ kind: 'failed', message });
      toast(`Export failed: ${message}`, 'error');
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  };

  if (state.kind === 'exporting') {
    return (
      <span className="export-progress" role="status" aria-live="polite">
        <span className="muted">Exporting… {formatBytes(state.received)} received</span>
        <button type="button" className="button small ghost" onClick={() => abort.current?.abort()}>
          Cancel
        </button>
      </span>
    );
  }
  return (
    <span className="export-evidence">
      {state.kind === 'failed' && (
        <span className="export-error" role="alert" title={state.message}>
          Export failed: {state.message}
        </span>
      )}
      <button type="button" className="button" onClick={run}>
        <Icon name="download" size={14} /> Export evidence
      </button>
    </span>
  );
}
