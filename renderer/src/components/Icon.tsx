// Stroke icons on a 24×24 grid (drawn for Vigil; shapes after the common Feather/Lucide vocabulary).
const PATHS = {
  sessions: 'M4 6h16M4 12h16M4 18h10',
  live: 'M12 12m-2 0a2 2 0 1 0 4 0a2 2 0 1 0 -4 0M7.8 7.8a6 6 0 0 0 0 8.4M16.2 16.2a6 6 0 0 0 0-8.4M4.9 4.9a10 10 0 0 0 0 14.2M19.1 19.1a10 10 0 0 0 0-14.2',
  approvals: 'M9 12l2 2 4-4M12 3l7 3v6c0 4.5-3 7.5-7 9-4-1.5-7-4.5-7-9V6z',
  workbench: 'M8 9l-3 3 3 3M16 9l3 3-3 3M13 6l-2 12',
  audit: 'M9 4h6M9 4a2 2 0 0 0-2 2H5v15h14V6h-2a2 2 0 0 0-2-2M9 12h6M9 16h4',
  play: 'M7 4.5v15l12-7.5z',
  pause: 'M7 4h3.5v16H7zM13.5 4H17v16h-3.5z',
  stepBack: 'M17 5v14l-9-7zM7 5v14',
  stepForward: 'M7 5v14l9-7zM17 5v14',
  previous: 'M11 5v14l-8-7zM21 5v14l-8-7z',
  next: 'M13 5v14l8-7zM3 5v14l8-7z',
  follow: 'M12 5v14M5 12l7 7 7-7',
  download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
  note: 'M5 4h14v12l-4 4H5zM15 20v-4h4',
  stop: 'M6 6h12v12H6z',
  step: 'M5 12h4l3-6 3 12 3-6h1',
  inspect: 'M11 4a7 7 0 1 0 0 14 7 7 0 1 0 0-14M20 20l-4-4',
  keyboard: 'M3 7h18v10H3zM7 11h.01M11 11h.01M15 11h.01M8 14h8',
  packet: 'M4 7l8-4 8 4v10l-8 4-8-4zM4 7l8 4 8-4M12 11v10M9 14l2 2 4-4',
} as const;

export type IconName = keyof typeof PATHS;

const FILLED: ReadonlySet<IconName> = new Set(['play', 'pause', 'stepBack', 'stepForward', 'previous', 'next', 'stop']);

export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  const filled = FILLED.has(name);
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill={filled ? 'currentColor' : 'none'}
      stroke="currentColor"
      strokeWidth={filled ? 1 : 1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
