import { describe, expect, it } from 'vitest';
import { httpActions, policyBody, policyPath } from './http-actions';

describe('httpActions', () => {
  it('builds one action with a normalized path and the JSON body', () => {
    expect(httpActions({ method: 'delete', host: 'API.Example', path: '/iam/users/7?force=1' }, { a: 1 })).toEqual([
      { type: 'http', method: 'DELETE', host: 'api.example', path: '/iam/users/7', body: { a: 1 } },
    ]);
    expect(httpActions({ method: 'GET', host: 'h', path: '/' })[0]).not.toHaveProperty('body');
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
