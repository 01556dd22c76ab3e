// What the IDE window may do, decided without Electron: main asks these before every navigation, new
// window, permission request and IPC call. The window shows the gateway's own pages only (plus the
// identity provider's sign-in pages when one is configured); any other web link opens in the OS browser.

export type NavigationDecision = 'allow' | 'open-external' | 'block';

/** Schemes handed to the OS when a link leaves the app; anything else (file:, javascript:, custom) is dropped. */
const EXTERNAL_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** `allowedOrigins`: the gateway's origin and, with a real IdP, the issuer's (sign-in pages). */
export function navigationDecision(target: string, allowedOrigins: readonly string[]): NavigationDecision {
  const url = parseUrl(target);
  if (!url) return 'block';
  if ((url.protocol === 'http:' || url.protocol === 'https:') && allowedOrigins.includes(url.origin)) return 'allow';
  return EXTERNAL_SCHEMES.has(url.protocol) && !url.username && !url.password ? 'open-external' : 'block';
}

/** The origins the window may show: the gateway's, and the issuer's when sign-in goes through a real IdP. */
export function allowedOrigins(gatewayUrl: string, issuer: string | undefined): string[] {
  const origins = [originOf(gatewayUrl)];
  const idp = issuer && issuer !== 'dev' ? parseUrl(issuer) : undefined;
  if (idp && (idp.protocol === 'https:' || idp.protocol === 'http:') && !origins.includes(idp.origin))
    origins.push(idp.origin);
  return origins.filter((o): o is string => o !== undefined);
}

/** IPC is answered only for the gateway's own pages, in any frame (not for an IdP page or an injected frame). */
export function isTrustedSender(frameUrl: string | undefined, gatewayOrigin: string): boolean {
  const url = frameUrl ? parseUrl(frameUrl) : undefined;
  return url !== undefined && url.origin === gatewayOrigin;
}

/**
 * Web permissions (camera, geolocation, notifications, …) are refused; the IDE needs none but writing to
 * the clipboard (copy a statement, a frame's bytes). OS notifications come from main, not the page.
 */
export function permissionAllowed(permission: string, requestingUrl: string, gatewayOrigin: string): boolean {
  return permission === 'clipboard-sanitized-write' && isTrustedSender(requestingUrl, gatewayOrigin);
}

/** The hash route of the approvals inbox (renderer/src/shell/routes.ts). */
export function approvalsUrl(gatewayUrl: string): string {
  const url = new URL(gatewayUrl);
  url.hash = '#/approvals';
  return url.toString();
}

export function originOf(value: string): string | undefined {
  const url = parseUrl(value);
  return url && url.origin !== 'null' ? url.origin : undefined;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
