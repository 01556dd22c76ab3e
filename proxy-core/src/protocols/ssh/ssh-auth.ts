import ssh2, { type ParsedKey } from 'ssh2';
import type { Principal } from '../../identity/identity.types';
import { parsePublicKeyLine } from './host-keys';
import type { AuthorizedKey } from './ssh.types';

/** Issuer recorded for principals that logged in with a registered key instead of a token. */
export const AUTHORIZED_KEY_ISSUER = 'vigil:authorized-key';

export interface KeyIdentity {
  blob: Buffer;
  key: ParsedKey;
  principal: Principal;
}

/** Parses the registered keys once; throws naming the bad entry. */
export function compileAuthorizedKeys(keys: readonly AuthorizedKey[] = []): KeyIdentity[] {
  return keys.map((entry, i) => {
    try {
      const { blob } = parsePublicKeyLine(entry.key);
      const key = ssh2.utils.parseKey(entry.key.trim().split(/\s+/).slice(0, 2).join(' '));
      if (key instanceof Error) throw key;
      const p = entry.principal;
      const principal: Principal = {
        sub: p.sub,
        groups: p.groups ?? [],
        roles: p.roles,
        issuer: AUTHORIZED_KEY_ISSUER,
        // A registered key does not expire; it is valid while it is in config.
        expiresAt: Number.MAX_SAFE_INTEGER,
        ...(p.name ? { name: p.name } : {}),
        ...(p.email ? { email: p.email } : {}),
      };
      return { blob, key, principal };
    } catch (err) {
      throw new Error(`authorizedKeys[${i}] (${entry.principal.sub}): ${(err as Error).message}`);
    }
  });
}

/** The principal whose registered key has this wire encoding. */
export function identityForKey(keys: readonly KeyIdentity[], blob: Buffer): KeyIdentity | undefined {
  return keys.find((k) => k.blob.equals(blob));
}

/** Only agents and admins open sessions (approvers and auditors work in the IDE). */
export function mayOpenSessions(principal: Principal): boolean {
  return principal.roles.includes('agent') || principal.roles.includes('admin');
}
