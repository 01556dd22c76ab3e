import { describe, expect, it } from 'vitest';
import {
  checkStartupParams,
  formatStartupOptions,
  parseStartupOptions,
  startupSettingProblem,
} from './startup-options';

describe('parseStartupOptions', () => {
  it.each([
    ['-c statement_timeout=5000', [['statement_timeout', '5000']]],
    [
      '-cstatement_timeout=5s --search-path=app',
      [
        ['statement_timeout', '5s'],
        ['search_path', 'app'],
      ],
    ],
    ['  -c  DateStyle=ISO,\\ MDY  ', [['DateStyle', 'ISO, MDY']]],
    ['-c\tapplication_name=a\\\\b', [['application_name', 'a\\b']]],
    ['-c search_path=x\\ -c\\ role=y', [['search_path', 'x -c role=y']]], // one escaped value, not two switches
    ['', []],
  ])('reads %j as the server does', (options, settings) => {
    expect(parseStartupOptions(options)).toEqual({ ok: true, settings });
  });

  it.each([
    ['-c role=lowly', /setting role cannot be given at startup/],
    ['--session_authorization=lowly', /session_authorization/],
    ['-c ROLE=lowly', /ROLE/],
    ['-c statement_timeout=1 -c role=lowly', /role/],
    ['-c standard_conforming_strings=off', /standard_conforming_strings/],
    ['-c client_encoding=SJIS', /client_encoding/],
    ['-F', /server switch -F/],
    ['-B 10', /server switch -B/],
    ['-c', /without a setting/],
    ['-c role', /has no value/],
    ['-c\vrole=lowly', /./],
  ])('refuses %j', (options, reason) => {
    const parsed = parseStartupOptions(options);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('formats settings so that reading them back gives the same settings', () => {
    const settings: Array<[string, string]> = [
      ['search_path', 'a b,\\c'],
      ['application_name', 'tab\there'],
    ];
    expect(parseStartupOptions(formatStartupOptions(settings))).toEqual({ ok: true, settings });
  });
});

describe('startupSettingProblem', () => {
  it.each([
    ['public, pg_catalog', true],
    ['"$user", public,PG_CATALOG', true],
    ['app, "pg_catalog"', true],
    ['pg_catalog, public', false],
    ['public', false],
    ['"$user", public', false],
    ['app, "PG_CATALOG"', false], // a quoted upper-case name is another schema
  ])('search_path %j: refused %s', (value, refused) => {
    expect(startupSettingProblem('search_path', value) !== undefined).toBe(refused);
    expect(startupSettingProblem('SEARCH_PATH', value) !== undefined).toBe(refused);
  });

  it('only search_path is looked into', () => {
    expect(startupSettingProblem('application_name', 'public, pg_catalog')).toBeUndefined();
  });

  it('refuses it inside options too', () => {
    expect(parseStartupOptions('-c search_path=app,\\ pg_catalog')).toMatchObject({ ok: false });
  });
});

describe('checkStartupParams', () => {
  it('gives the upstream options rebuilt from the checked settings, and drops options that set nothing', () => {
    expect(checkStartupParams({ user: 'a', options: '--statement-timeout=5s  -c\tjit=off' })).toEqual({
      ok: true,
      params: { user: 'a', options: '-c statement_timeout=5s -c jit=off' },
    });
    expect(checkStartupParams({ user: 'a', options: '  ' })).toEqual({ ok: true, params: { user: 'a' } });
  });

  it('refuses what parseStartupOptions or the search_path check refuses', () => {
    expect(checkStartupParams({ options: '-c role=x' })).toMatchObject({ ok: false, reason: /role/ });
    expect(checkStartupParams({ search_path: 'public, pg_catalog' })).toMatchObject({
      ok: false,
      reason: /pg_catalog/,
    });
  });
});
