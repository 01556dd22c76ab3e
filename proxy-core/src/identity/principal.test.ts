import { describe, expect, it } from 'vitest';
import { AuthError } from './identity.types';
import { readGroups, rolesForGroups, toPrincipal } from './principal';

const ROLES = { admin: ['vigil-admins'], approver: ['dba', 'leads'], auditor: ['security'], agent: ['ai-agents'] };

describe('readGroups', () => {
  it('accepts an array, or a space- and/or comma-separated string', () => {
    expect(readGroups({ groups: ['a', 'b', 'a'] }, 'groups')).toEqual(['a', 'b']);
    expect(readGroups({ groups: 'a b,c , d\te' }, 'groups')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(readGroups({ groups: '' }, 'groups')).toEqual([]);
  });

  it('treats an absent claim as no groups', () => {
    expect(readGroups({}, 'groups')).toEqual([]);
    expect(readGroups({ groups: null }, 'groups')).toEqual([]);
  });

  it('never reads inherited properties as claims', () => {
    expect(readGroups({}, 'constructor')).toEqual([]);
    expect(readGroups({}, 'toString')).toEqual([]);
    expect(readGroups({ a: {} }, 'a.constructor')).toEqual([]);
  });

  it('finds URL-named and nested claims', () => {
    expect(readGroups({ 'https://x.example/groups': ['a'] }, 'https://x.example/groups')).toEqual(['a']);
    expect(readGroups({ realm_access: { roles: ['dba'] } }, 'realm_access.roles')).toEqual(['dba']);
  });

  it('refuses other shapes as malformed', () => {
    for (const groups of [42, { a: 1 }, ['a', 1], true]) {
      expect(() => readGroups({ groups }, 'groups')).toThrow(AuthError);
    }
  });
});

describe('rolesForGroups', () => {
  it('gives every role whose groups intersect, in canonical order', () => {
    expect(rolesForGroups(['ai-agents', 'leads', 'vigil-admins'], ROLES)).toEqual(['admin', 'approver', 'agent']);
    expect(rolesForGroups(['unknown'], ROLES)).toEqual([]);
    expect(rolesForGroups(['dba'], {})).toEqual([]);
  });
});

describe('toPrincipal', () => {
  const claims = { sub: 'a', iss: 'https://idp', exp: 2_000_000_000, groups: ['security'] };

  it('keeps name and email when they are strings', () => {
    expect(toPrincipal({ ...claims, name: 'A', email: 3 }, { groupsClaim: 'groups', roles: ROLES })).toEqual({
      sub: 'a',
      groups: ['security'],
      roles: ['auditor'],
      issuer: 'https://idp',
      expiresAt: 2_000_000_000,
      name: 'A',
    });
  });

  it('refuses a principal without roles, naming its groups (at most 10)', () => {
    const groups = Array.from({ length: 12 }, (_, i) => `g${i}`);
    try {
      toPrincipal({ ...claims, groups }, { groupsClaim: 'groups', roles: ROLES });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AuthError);
      expect((err as AuthError).code).toBe('no_role');
      expect((err as AuthError).message).toBe(
        'principal "a" has groups "g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9" and 2 more, which grant no Vigil role',
      );
    }
  });

  it('requires a non-empty sub', () => {
    expect(() => toPrincipal({ ...claims, sub: '' }, { groupsClaim: 'groups', roles: ROLES })).toThrow(/"sub"/);
  });
});
