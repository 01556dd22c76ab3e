import type { JWTPayload } from 'jose';
import { AuthError, type Principal, ROLES, type Role, type RoleMap } from './identity.types';

/**
 * Reads the groups claim. `name` is looked up as-is first (URL-style names such as `https://example.com/groups` contain
 * dots), then as a dotted path for nested claims such as Keycloak's `realm_access.roles`. IdPs send either an array or
 * one space- or comma-separated string; an absent claim means no groups.
 */
export function readGroups(payload: JWTPayload, name: string): string[] {
  const value = Object.hasOwn(payload, name) ? payload[name] : readPath(payload, name);
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return unique(value.split(/[\s,]+/));
  if (Array.isArray(value) && value.every((g) => typeof g === 'string')) return unique(value);
  throw new AuthError('malformed', `token claim "${name}" must be an array of group names or a space-separated string`);
}

/** The roles whose configured groups intersect `groups`, in the canonical order of ROLES. */
export function rolesForGroups(groups: readonly string[], roles: RoleMap): Role[] {
  const held = new Set(groups);
  return ROLES.filter((role) => roles[role]?.some((group) => held.has(group)) ?? false);
}

/** Builds the principal from a verified claims set; refuses a token whose groups grant no role. */
export function toPrincipal(payload: JWTPayload, opts: { groupsClaim: string; roles: RoleMap }): Principal {
  const { sub, iss, exp } = payload;
  if (typeof sub !== 'string' || sub === '') throw new AuthError('malformed', 'token has no "sub" (subject) claim');
  if (typeof iss !== 'string' || typeof exp !== 'number') {
    throw new AuthError('malformed', 'token lacks "iss" or "exp"');
  }
  const groups = readGroups(payload, opts.groupsClaim);
  const roles = rolesForGroups(groups, opts.roles);
  if (roles.length === 0) {
    const held = groups.length > 0 ? `groups ${describeList(groups)}` : 'no groups';
    throw new AuthError('no_role', `principal ${JSON.stringify(sub)} has ${held}, which grant no Vigil role`);
  }
  const principal: Principal = { sub, groups, roles, issuer: iss, expiresAt: exp };
  if (typeof payload.name === 'string') principal.name = payload.name;
  if (typeof payload.email === 'string') principal.email = payload.email;
  return principal;
}

function readPath(payload: JWTPayload, path: string): unknown {
  if (!path.includes('.')) return undefined;
  let node: unknown = payload;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function unique(groups: string[]): string[] {
  return [...new Set(groups.filter((g) => g !== ''))];
}

/** At most 10 quoted items, so a user in hundreds of groups gets a readable message. */
function describeList(items: string[]): string {
  const shown = items.slice(0, 10).map((g) => JSON.stringify(g));
  return items.length > 10 ? `${shown.join(', ')} and ${items.length - 10} more` : shown.join(', ');
}
