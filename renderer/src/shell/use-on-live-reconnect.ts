import { useEffect, useRef } from 'react';
import { useApp } from './AppContext';

/**
 * Calls `resync` each time the live socket opens after having been down (or not yet up) since the view mounted:
 * events sent meanwhile were missed, so what the view fetched may be out of date.
 */
export function useOnLiveReconnect(resync: () => void): void {
  const { liveStatus } = useApp();
  const wasOpen = useRef(liveStatus === 'open');
  useEffect(() => {
    const open = liveStatus === 'open';
    if (open && !wasOpen.current) resync();
    wasOpen.current = open;
  }, [liveStatus, resync]);
}
