import { describe, expect, it } from 'vitest';
import {
  ambiguousJsonBody,
  commandText,
  httpActions,
  overriddenMethods,
  pathReadings,
  policyBody,
  policyPath,
} from './http-actions';

describe('httpActions', () => {
  it('builds one action with a normalized path and the JSON body', () => {
    expect(httpActions({ method: 'delete', host: 'API.Example', path: '/iam/users/7?force=1' }, { a: 1 })).toEqual([
      { type: 'http', method: 'DELETE', host: 'api.example', path: '/iam/users/7', body: { a: 1 } },
    ]);
    expect(httpActions({ method: 'GET', host: 'h', path: '/' })[0]).not.toHaveProperty('body');
  });

  it('adds the method an override header or _method parameter asks for', () => {
    const info = { method: 'POST', host: 'h', path: '/iam/users/7?x=1&_method=put' };
    expect(overriddenMethods(info)).toEqual(['PUT']);
    const headers = { 'x-http-method-override': 'DELETE', 'x-http-method': ['patch', 'POST'] };
    expect(httpActions({ ...info, path: '/iam/users/7', headers }).map((a) => a.method)).toEqual([
      'POST',
      'DELETE',
      'PATCH',
    ]);
    expect(overriddenMethods({ method: 'GET', host: 'h', path: '/a?method=DELETE&x_method=PUT' })).toEqual([]);
    expect(commandText('POST', '/iam/users/7', ['DELETE'])).toBe('POST /iam/users/7 (as DELETE, by method override)');
  });

  it('finds bodies declared as JSON that an upstream could read otherwise', () => {
    const json = 'application/json; charset=utf-8';
    expect(ambiguousJsonBody(Buffer.from('{"role":"a","role":"b"}'), 100, json)).toBe(
      'the JSON body names "role" twice in one object',
    );
    expect(ambiguousJsonBody(Buffer.from('{"role":"admin",}'), 100, 'application/vnd.api+json')).toMatch(
      /^the JSON body does not parse/,
    );
    expect(ambiguousJsonBody(Buffer.from('{"role":"admin"}'), 100, json)).toBeUndefined();
    expect(ambiguousJsonBody(Buffer.from('[INFO] not json'), 100, 'text/plain')).toBeUndefined();
    expect(ambiguousJsonBody(Buffer.from('{"a":1,"a":2}'), 5, json)).toBeUndefined();
  });

  it('reads a path also as looser upstreams would: %2F and \\ as separators, ;parameters dropped, case folded', () => {
    expect(pathReadings('/scratch/..%2F..%2Fiam/users/9')).toEqual(['/scratch/..%2F..%2Fiam/users/9', '/iam/users/9']);
    expect(pathReadings('/a/..;x/..;x/IAM/u')).toEqual(['/a/..;x/..;x/IAM/u', '/IAM/u', '/iam/u']);
    expect(pathReadings('/a%5Cb\\c/.')).toEqual(['/a%5Cb\\c/.', '/a/b/c/']);
    expect(pathReadings('/../../x')).toEqual(['/../../x', '/x']);
    expect(pathReadings('/users/7?x=1')).toEqual(['/users/7']);
    // Every reading is an action of its own, for each method.
    const actions = httpActions({ method: 'DELETE', host: 'h', path: '/IAM/u', headers: { 'x-http-method': 'PUT' } });
    expect(actions.map((a) => `${a.method} ${a.path}`)).toEqual([
      'DELETE /IAM/u',
      'DELETE /iam/u',
      'PUT /IAM/u',
      'PUT /iam/u',
    ]);
  });

  it('normalizes paths so encodings and doubled slashes cannot dodge a rule', () => {
    expect(policyPath('//%69am///users/%7e7')).toBe('/iam/users/~7');
    expect(policyPath('/a%2fb/%c3%a9')).toBe('/a%2Fb/%C3%A9');
    expect(policyPath('?x=1')).toBe('/');
  });

  it('reads a JSON body for policy whatever its declared type, within the limit', () => {
    expect(policyBody(Buffer.from(' {"role":"admin"}'), 100)).toEqual({ role: 'admin' });
    expect(policyBody(Buffer.from('[1]'), 100)).toEqual([1]);
    expect(policyBody(Buffer.from('role=admin'), 100)).toBeUndefined();
    expect(policyBody(Buffer.from('{"a":'), 100)).toBeUndefined();
    expect(policyBody(Buffer.from('{"role":"admin"}'), 5)).toBeUndefined();
  });
});
