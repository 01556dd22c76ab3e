import { useId, useState } from 'react';
import type { Session } from '../api/api.types';
import { Icon } from '../components/Icon';
import { useApp } from '../shell/AppContext';

/** What a pair operator can do to a running session: step mode, notes, terminate. */
export function LiveControls({ session, onChanged }: { session: Session; onChanged: () => void }) {
  const { api, toast } = useApp();
  const [stepMode, setStepMode] = useState(session.stepMode ?? false);
  const [noteOpen, setNoteOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const noteId = useId();

  // The server is the truth once it reports the session again.
  const reported = session.stepMode;
  const [lastReported, setLastReported] = useState(reported);
  if (reported !== lastReported) {
    setLastReported(reported);
    if (reported !== undefined) setStepMode(reported);
  }

  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
      onChanged();
      return true;
    } catch (e) {
      toast(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
      return false;
    } finally {
      setBusy(false);
    }
  };

  const toggleStepMode = () => {
    const enabled = !stepMode;
    void run('Step mode', async () => {
      await api.setStepMode(session.id, enabled);
      setStepMode(enabled);
      toast(enabled ? 'Step mode on: every command is held for approval' : 'Step mode off', 'info');
    });
  };

  const saveNote = async () => {
    const text = note.trim();
    if (!text) return;
    const ok = await run('Note', () => api.addNote(session.id, text));
    if (ok) {
      setNote('');
      setNoteOpen(false);
      toast('Note added to the recording', 'success');
    }
  };

  const terminate = () =>
    void run('Terminate', async () => {
      await api.terminate(session.id);
      toast('Session terminated', 'success');
    });

  return (
    <div className="live-controls">
      <button
        type="button"
        className={stepMode ? 'button toggle on' : 'button toggle'}
        aria-pressed={stepMode}
        disabled={busy}
        onClick={toggleStepMode}
        title="Hold every command of this session for approval"
      >
        <Icon name="step" size={14} /> Step mode
      </button>
      <button type="button" className="button" aria-expanded={noteOpen} onClick={() => setNoteOpen((open) => !open)}>
        <Icon name="note" size={14} /> Add note
      </button>
      <button type="button" className="button danger" disabled={busy} onClick={terminate}>
        <Icon name="stop" size={14} /> Terminate
      </button>
      {noteOpen && (
        <form
          className="note-form"
          onSubmit={(event) => {
            event.preventDefault();
            void saveNote();
          }}
        >
          <label htmlFor={noteId} className="visually-hidden">
            Note
          </label>
          <textarea
            id={noteId}
            rows={3}
            // biome-ignore lint/a11y/noAutofocus: the form opens on request; typing is the next step
            autoFocus
            placeholder="Written into the recording, with your name"
            value={note}
            onChange={(event) => setNote(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void saveNote();
              if (event.key === 'Escape') setNoteOpen(false);
            }}
          />
          <div className="note-buttons">
            <button type="button" className="button ghost" onClick={() => setNoteOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="button primary" disabled={busy || !note.trim()}>
              Save note
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
