import { useEffect, useRef } from 'react';
import { REPLAY_KEYS } from './use-replay-keys';

/** The player's keyboard shortcuts, as a dialog (`?`). */
export function KeyHelp({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog ref={dialog} className="key-help" aria-labelledby="key-help-title" onClose={onClose}>
      <h2 id="key-help-title">Player keys</h2>
      <table>
        <tbody>
          {REPLAY_KEYS.map(([keys, action]) => (
            <tr key={keys}>
              <th scope="row" className="key-name">
                <kbd>{keys}</kbd>
              </th>
              <td>{action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit" className="button">
          Close
        </button>
      </form>
    </dialog>
  );
}
