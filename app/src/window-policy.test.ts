import { describe, expect, it } from 'vitest';
import { allowedOrigins, approvalsUrl, isTrustedSender, navigationDecision, permissionAllowed } from './window-policy';

const GATEWAY = 'http://127.0.0.1:41234';

describe('navigationDecision', () => {
  const allowed = [GATEWAY, 'https://idp.example.com'];

  it('keeps the gateway and the IdP in the window', () => {
    expect(navigationDecision(`${GATEWAY}/#/sessions/abc?frame=3`, allowed)).toBe('allow');
    expect(navigationDecision(`${GATEWAY}/auth/login?return=/`, allowed)).toBe('allow');
    expect(navigationDecision('https://idp.example.com/authorize?client_id=vigil', allowed)).toBe('allow');
  });

  it('sends other web links to the OS browser', () => {
    expect(navigationDecision('https://www.postgresql.org/docs/', allowed)).toBe('open-external');
    expect(navigationDecision('mailto:security@example.com', allowed)).toBe('open-external');
  });

  it('treats another port, scheme or host of the gateway as foreign', () => {
    expect(navigationDecision('http://127.0.0.1:7480/', allowed)).toBe('open-external');
    expect(navigationDecision('https://127.0.0.1:41234/', allowed)).toBe('open-external');
    expect(navigationDecision('http://localhost:41234/', allowed)).toBe('open-external');
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox',
    'smb://attacker/share',
    'ms-msdt:/id PCWDiagnostic',
    'http://user:pass@evil.example/',
    'not a url',
    '',
  ])('blocks %s', (target) => {
    expect(navigationDecision(target, allowed)).toBe('block');
  });
});

describe('allowedOrigins', () => {
  it('is the gateway alone with the development issuer', () => {
    expect(allowedOrigins(`${GATEWAY}/`, 'dev')).toEqual([GATEWAY]);
    expect(allowedOrigins(GATEWAY, undefined)).toEqual([GATEWAY]);
  });

  it('adds a real issuer', () => {
    expect(allowedOrigins(GATEWAY, 'https://idp.example.com/realms/vigil')).toEqual([
      GATEWAY,
      'https://idp.example.com',
    ]);
  });

  it('ignores an issuer that is not a web URL', () => {
    expect(allowedOrigins(GATEWAY, 'file:///tmp/idp')).toEqual([GATEWAY]);
  });
});

describe('isTrustedSender', () => {
  it('answers the gateway pages only', () => {
    expect(isTrustedSender(`${GATEWAY}/#/sessions`, GATEWAY)).toBe(true);
    expect(isTrustedSender('https://idp.example.com/login', GATEWAY)).toBe(false);
    expect(isTrustedSender('about:blank', GATEWAY)).toBe(false);
    expect(isTrustedSender(undefined, GATEWAY)).toBe(false);
    expect(isTrustedSender('garbage', GATEWAY)).toBe(false);
  });
});

describe('permissionAllowed', () => {
  it('grants clipboard writes to the gateway only, and nothing else', () => {
    expect(permissionAllowed('clipboard-sanitized-write', `${GATEWAY}/`, GATEWAY)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'https://evil.example/', GATEWAY)).toBe(false);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen'])
      expect(permissionAllowed(p, `${GATEWAY}/`, GATEWAY)).toBe(false);
  });
});

describe('approvalsUrl', () => {
  it('points at the approvals inbox', () => {
    expect(approvalsUrl(GATEWAY)).toBe(`${GATEWAY}/#/approvals`);
    expect(approvalsUrl(`${GATEWAY}/#/sessions`)).toBe(`${GATEWAY}/#/approvals`);
  });
});
