import type { ReactNode } from 'react';
import { Icon, type IconName } from '../components/Icon';
import { formatCount, formatTimecode } from '../lib/format';
import { isRunning, type ReplayContext, type ReplayEvent, SPEEDS, STATE } from './replay-machine';

interface ReplayTransportProps {
  ctx: ReplayContext;
  dispatch: (event: ReplayEvent) => void;
  timeUs: number | undefined;
  previousCommandFrame: number | null;
  nextCommandFrame: number | null;
  onShowKeys: () => void;
}

function IconButton(props: { label: string; icon: IconName; onClick: () => void; disabled?: boolean; keys?: string }) {
  const title = props.keys ? `${props.label} (${props.keys})` : props.label;
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={props.label}
      title={title}
      onClick={props.onClick}
      disabled={props.disabled}
    >
      <Icon name={props.icon} />
    </button>
  );
}

/** The player's buttons: command and frame steps, play/pause, speed, idle skipping, follow. */
export function ReplayTransport(props: ReplayTransportProps): ReactNode {
  const { ctx, dispatch } = props;
  const running = isRunning(ctx.state) || ctx.state === STATE.Following;
  const empty = ctx.total === 0 || ctx.state === STATE.Loading;
  return (
    <div className="transport-buttons">
      <IconButton
        label="Previous command"
        icon="previous"
        keys="["
        disabled={props.previousCommandFrame === null}
        onClick={() =>
          props.previousCommandFrame !== null && dispatch({ type: 'SEEK', frame: props.previousCommandFrame })
        }
      />
      <IconButton
        label="Step back"
        icon="stepBack"
        keys=","
        disabled={empty || ctx.cursor <= 0}
        onClick={() => dispatch({ type: 'STEP', delta: -1 })}
      />
      {running ? (
        <IconButton label="Pause" icon="pause" keys="Space" onClick={() => dispatch({ type: 'PAUSE' })} />
      ) : (
        <IconButton label="Play" icon="play" keys="Space" disabled={empty} onClick={() => dispatch({ type: 'PLAY' })} />
      )}
      <IconButton
        label="Step forward"
        icon="stepForward"
        keys="."
        disabled={empty || ctx.cursor >= ctx.total - 1}
        onClick={() => dispatch({ type: 'STEP', delta: 1 })}
      />
      <IconButton
        label="Next command"
        icon="next"
        keys="]"
        disabled={props.nextCommandFrame === null}
        onClick={() => props.nextCommandFrame !== null && dispatch({ type: 'SEEK', frame: props.nextCommandFrame })}
      />
      <select
        className="speed"
        aria-label="Playback speed"
        value={ctx.speed}
        onChange={(event) => dispatch({ type: 'SET_SPEED', speed: Number(event.target.value) })}
      >
        {SPEEDS.map((speed) => (
          <option key={speed} value={speed}>
            {speed}×
          </option>
        ))}
      </select>
      <label className="check" title="Shorten pauses longer than 1 s">
        <input
          type="checkbox"
          checked={ctx.skipIdle}
          onChange={(event) => dispatch({ type: 'SET_SKIP_IDLE', skipIdle: event.target.checked })}
        />
        Skip idle
      </label>
      {ctx.live && (
        <button
          type="button"
          className={ctx.state === STATE.Following ? 'button small following' : 'button small'}
          aria-pressed={ctx.state === STATE.Following}
          onClick={() => dispatch({ type: 'FOLLOW' })}
        >
          <Icon name="follow" size={14} /> Follow live
        </button>
      )}
      <span className="readout" aria-live="off">
        <span className="timecode">{props.timeUs === undefined ? '--:--.---' : formatTimecode(props.timeUs)}</span>
        <span className="muted">
          frame {formatCount(Math.max(0, ctx.cursor))} / {formatCount(Math.max(0, ctx.total - 1))}
        </span>
        {ctx.state === STATE.Buffering && <span className="muted">buffering…</span>}
      </span>
      <IconButton label="Keyboard shortcuts" icon="keyboard" keys="?" onClick={props.onShowKeys} />
    </div>
  );
}
