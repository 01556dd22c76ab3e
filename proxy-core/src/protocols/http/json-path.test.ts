import { describe, expect, it } from 'vitest';
import { JsonPathError, matchesPath, parseJsonPath } from './json-path';

const m = (path: string, location: (string | number)[]) => matchesPath(parseJsonPath(path), location);

describe('parseJsonPath / matchesPath', () => {
  it('matches names, indexes and wildcards', () => {
    expect(m('$.users[*].email', ['users', 3, 'email'])).toBe(true);
    expect(m('$.users[*].email', ['users', 3, 'name'])).toBe(false);
    expect(m('$.users[*].email', ['users', 3, 'email', 'x'])).toBe(false);
    expect(m('$.items[0].card', ['items', 0, 'card'])).toBe(true);
    expect(m('$.items[0].card', ['items', 1, 'card'])).toBe(false);
    expect(m('$.a.*', ['a', 'b'])).toBe(true);
    expect(m('$', [])).toBe(true);
  });

  it('matches descendants at any depth', () => {
    expect(m('$..password', ['password'])).toBe(true);
    expect(m('$..password', ['a', 0, 'b', 'password'])).toBe(true);
    expect(m('$..password', ['a', 'password', 'x'])).toBe(false);
    expect(m('$.db..secret', ['db', 'x', 'secret'])).toBe(true);
    expect(m('$.db..secret', ['other', 'secret'])).toBe(false);
    expect(m('$..[*].id', ['rows', 2, 'id'])).toBe(true);
  });

  it('reads quoted names', () => {
    expect(m("$['card number']", ['card number'])).toBe(true);
    expect(m('$["a.b"].c', ['a.b', 'c'])).toBe(true);
    expect(m("$['it\\'s']", ["it's"])).toBe(true);
  });

  it('refuses what it does not support, naming the path', () => {
    expect(() => parseJsonPath('users.email')).toThrow(JsonPathError);
    expect(() => parseJsonPath('$.users[?(@.admin)]')).toThrow('$.users[?(@.admin)]: unsupported selector');
    expect(() => parseJsonPath('$.users[')).toThrow('unclosed [');
    expect(() => parseJsonPath('$.')).toThrow('expected a member name');
  });
});
