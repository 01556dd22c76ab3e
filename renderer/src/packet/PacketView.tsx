import { useRef, useState } from 'react';
import { formatBytes } from '../lib/format';
import { usePacket } from './PacketContext';
import { PacketReport } from './PacketReport';
import './packet.css';

/**
 * Evidence packets opened in the browser, with no server: drop a packet (anywhere on the IDE) or pick one;
 * it is verified here (signature, every file's hash, recordings, audit chain) and its sessions replay in the
 * same view as the gateway's.
 */
export function PacketView() {
  const { state, open, close } = usePacket();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  return (
    <section
      className={`view packet-view${dragging ? ' dragging' : ''}`}
      aria-labelledby="packet-title"
      onDragEnter={(event) => event.dataTransfer.types.includes('Files') && setDragging(true)}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      // The drop itself is handled for the whole window (usePacketDrop); this only ends the highlight.
      onDrop={() => setDragging(false)}
    >
      <header className="view-header">
        <h1 id="packet-title">Evidence packet</h1>
        <span className="muted">Verified in this browser: the file is not uploaded anywhere.</span>
        <span className="spacer" />
        {state.status === 'open' && (
          <button type="button" className="button ghost" onClick={close}>
            Close packet
          </button>
        )}
        <label className="button primary">
          Open packet…
          <input
            ref={input}
            type="file"
            className="visually-hidden"
            accept=".zip,application/zip"
            aria-label="Open packet…"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file) open(file);
              event.currentTarget.value = ''; // the same file again verifies again
            }}
          />
        </label>
      </header>
      <div className="packet-body">
        {state.status === 'verifying' && (
          <div className="packet-progress" role="status" aria-live="polite" aria-busy="true">
            Verifying <strong>{state.name}</strong>…
            {state.progress && (
              <span className="muted">
                {' '}
                hashing {state.progress.path} ({formatBytes(state.progress.done)} of {formatBytes(state.progress.total)}
                )
              </span>
            )}
          </div>
        )}
        {state.status === 'failed' && (
          <div className="banner error" role="alert">
            Cannot open {state.name}: {state.message}
          </div>
        )}
        {state.status === 'open' ? (
          <PacketReport packet={state.packet} />
        ) : (
          state.status !== 'verifying' && <DropZone onPick={() => input.current?.click()} />
        )}
      </div>
    </section>
  );
}

function DropZone({ onPick }: { onPick: () => void }) {
  return (
    <div className="drop-zone">
      <div className="drop-zone-icon" aria-hidden="true">
        ⇩
      </div>
      <p>
        <strong>Drop an evidence packet here</strong> (<code>vigil-evidence-….zip</code>), or{' '}
        <button type="button" className="link-button" onClick={onPick}>
          choose a file
        </button>
        .
      </p>
      <p className="muted small">
        No server and no sign-in needed. Vigil checks the manifest signature, every file's SHA-256, each recording's
        hash chain and seal, and the audit chain, and says exactly what fails. Paste the gateway's public key to prove
        who signed it.
      </p>
    </div>
  );
}
