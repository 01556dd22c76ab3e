import { useEffect, useState } from 'react';
import { parseHash, type Route } from './routes';

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** A new history entry (a different view or different filters). */
export function navigate(href: string): void {
  if (window.location.hash !== href) window.location.hash = href;
}

/**
 * Updates the address without a history entry or a hashchange (the replay cursor: the URL always links to the
 * frame on screen, but Back still leaves the session).
 */
export function replaceHash(href: string): void {
  if (window.location.hash === href) return;
  window.history.replaceState(window.history.state, '', href);
}
