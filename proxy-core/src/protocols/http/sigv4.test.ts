import { describe, expect, it } from 'vitest';
import { amzDate, canonicalQuery, canonicalUri, EMPTY_SHA256, sha256Hex, signingKey, signV4 } from './sigv4';

/**
 * The AWS SigV4 test suite (aws-sig-v4-test-suite, 2015 edition): credentials, time and expected values typed in
 * from its `.req` / `.creq` / `.sts` / `.authz` files.
 * @see https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html
 */
const SUITE_KEY = {
  region: 'us-east-1',
  service: 'service',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const SUITE_DATE = '20150830T123600Z';
const SCOPE = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
const suiteHeaders = (extra: Record<string, string> = {}) => ({
  Host: 'example.amazonaws.com',
  'X-Amz-Date': SUITE_DATE,
  ...extra,
});

describe('signV4 against the AWS test suite', () => {
  it('get-vanilla: canonical request, string to sign and Authorization', () => {
    const sig = signV4(
      { method: 'GET', path: '/', query: '', headers: suiteHeaders(), payloadHash: EMPTY_SHA256 },
      SUITE_KEY,
      SUITE_DATE,
    );
    // get-vanilla.creq
    expect(sig.canonicalRequest).toBe(
      [
        'GET',
        '/',
        '',
        'host:example.amazonaws.com',
        'x-amz-date:20150830T123600Z',
        '',
        'host;x-amz-date',
        EMPTY_SHA256,
      ].join('\n'),
    );
    // get-vanilla.sts
    expect(sig.stringToSign).toBe(
      [
        'AWS4-HMAC-SHA256',
        '20150830T123600Z',
        '20150830/us-east-1/service/aws4_request',
        'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
      ].join('\n'),
    );
    // get-vanilla.authz
    expect(sig.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
    );
  });

  it('get-vanilla-query-order-key-case: query parameters sorted', () => {
    const sig = signV4(
      {
        method: 'GET',
        path: '/',
        query: 'Param2=value2&Param1=value1',
        headers: suiteHeaders(),
        payloadHash: EMPTY_SHA256,
      },
      SUITE_KEY,
      SUITE_DATE,
    );
    expect(sig.canonicalRequest.split('\n')[2]).toBe('Param1=value1&Param2=value2');
    expect(sig.stringToSign.split('\n')[3]).toBe('816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0');
    expect(sig.signature).toBe('b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });

  it('post-vanilla', () => {
    const sig = signV4(
      { method: 'POST', path: '/', query: '', headers: suiteHeaders(), payloadHash: EMPTY_SHA256 },
      SUITE_KEY,
      SUITE_DATE,
    );
    expect(sig.signature).toBe('5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
  });

  it('post-header-value-case: header names lower-cased, values kept', () => {
    const sig = signV4(
      {
        method: 'POST',
        path: '/',
        query: '',
        headers: suiteHeaders({ 'My-Header1': 'VALUE1' }),
        payloadHash: EMPTY_SHA256,
      },
      SUITE_KEY,
      SUITE_DATE,
    );
    expect(sig.signedHeaders).toBe('host;my-header1;x-amz-date');
    expect(sig.signature).toBe('cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d');
  });

  it('post-x-www-form-urlencoded: the body hash and content-type are signed', () => {
    const body = 'Param1=value1';
    expect(sha256Hex(body)).toBe('9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e');
    const sig = signV4(
      {
        method: 'POST',
        path: '/',
        query: '',
        headers: suiteHeaders({ 'Content-Type': 'application/x-www-form-urlencoded' }),
        payloadHash: sha256Hex(body),
      },
      SUITE_KEY,
      SUITE_DATE,
    );
    expect(sig.signature).toBe('ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a');
  });

  it('derives the signing key of the IAM user guide example', () => {
    const key = signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });
});

describe('canonical parts', () => {
  it('double-encodes and normalizes paths except for S3', () => {
    expect(canonicalUri('/a%20b//c/./d/../e/', 'iam')).toBe('/a%2520b/c/e/');
    expect(canonicalUri('/my-object//example//photo.user', 's3')).toBe('/my-object//example//photo.user');
    expect(canonicalUri('/a%20b/%C3%BC!', 's3')).toBe('/a%20b/%C3%BC%21');
    expect(canonicalUri('', 'iam')).toBe('/');
  });

  it('encodes query names and values once, with empty values for bare names', () => {
    expect(canonicalQuery('b=%7e&a&c=x y&a=2')).toBe('a=&a=2&b=~&c=x%20y');
  });

  it('formats x-amz-date', () => {
    expect(amzDate(new Date('2015-08-30T12:36:00.123Z'))).toBe('20150830T123600Z');
  });
});
