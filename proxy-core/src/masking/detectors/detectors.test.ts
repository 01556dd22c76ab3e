import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTORS, type DetectorConfig, MaskingConfigError } from '../masking.types';
import type { DetectorHit } from './detector';
import { BUILTIN, compileDetectors, scanText } from './index';
import { byteFeatures, mayHit, textFeatures } from './prefilter';

const ALL = compileDetectors(BUILTIN_DETECTORS);

/** The texts each detector finds in `text`, as `detector:text`. */
function found(text: string, detectors = ALL): string[] {
  return scanText(text, detectors).map((h) => `${h.detector}:${text.slice(h.start, h.end)}`);
}

function only(name: keyof typeof BUILTIN, text: string): string[] {
  return found(text, [BUILTIN[name]]).map((s) => s.slice(name.length + 1));
}

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('email', () => {
  it('finds addresses in text', () => {
    expect(only('email', 'write to alice.smith+crm@mail.example.co.uk, or bob@x.io.')).toEqual([
      'alice.smith+crm@mail.example.co.uk',
      'bob@x.io',
    ]);
  });
  it('skips near misses', () => {
    expect(only('email', 'user@localhost, @handle, a@b, x@1.2.3.4, a..b@x.com, me@-bad-.com')).toEqual([]);
  });
});

describe('credit_card', () => {
  it('finds Luhn-valid numbers with spaces or dashes', () => {
    expect(only('credit_card', 'cards 4111 1111 1111 1111 and 5500-0000-0000-0004, 378282246310005.')).toEqual([
      '4111 1111 1111 1111',
      '5500-0000-0000-0004',
      '378282246310005',
    ]);
  });
  it('finds a card followed by another group', () => {
    expect(only('credit_card', 'pan 4111 1111 1111 1111 2024')).toEqual(['4111 1111 1111 1111']);
  });
  it('rejects Luhn-invalid numbers, ids, dates, UUIDs, IPs and decimals', () => {
    for (const text of [
      '4111 1111 1111 1112',
      'order 4111111111111112',
      'ORD-4111111111111111',
      'id 1234567890123456789012',
      '2024-01-02 10:11:12',
      '550e8400-e29b-41d4-a716-446655440000',
      '192.168.100.200',
      '4111111111111111.50',
      '0000000000000000',
      '1111111111111117',
      '4111-1111 1111-1111',
    ]) {
      expect(only('credit_card', text), text).toEqual([]);
    }
  });
});

describe('us_ssn', () => {
  it('finds separated SSNs and keyworded bare ones', () => {
    expect(only('us_ssn', 'SSN 123-45-6789; alt 123 45 6789; ssn: 123456789')).toEqual([
      '123-45-6789',
      '123 45 6789',
      '123456789',
    ]);
  });
  it('rejects never-issued ranges and look-alikes', () => {
    for (const text of [
      '000-12-3456',
      '666-12-3456',
      '912-34-5678',
      '123-00-4567',
      '123-45-0000',
      'id 123456789',
      '2024-01-02',
      '123-45-6789-12',
      '123-45 6789',
      '10.123-45-6789',
    ]) {
      expect(only('us_ssn', text), text).toEqual([]);
    }
  });
});

describe('iban', () => {
  it('finds valid IBANs, grouped or compact, without swallowing the next word', () => {
    expect(only('iban', 'pay DE89 3704 0044 0532 0130 00 TODAY or GB82WEST12345698765432.')).toEqual([
      'DE89 3704 0044 0532 0130 00',
      'GB82WEST12345698765432',
    ]);
  });
  it('rejects wrong check digits, wrong lengths and unknown countries', () => {
    for (const text of ['DE88 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130 0', 'ZZ89370400440532013000']) {
      expect(only('iban', text), text).toEqual([]);
    }
  });
});

describe('phone', () => {
  it('finds international, North American and trunk-prefixed numbers', () => {
    expect(
      only('phone', 'call +1 415 555 0100, (415) 555-0100, 415.555.0100, +44 (20) 7946 0958 or 020 7946 0958'),
    ).toEqual(['+1 415 555 0100', '(415) 555-0100', '415.555.0100', '+44 (20) 7946 0958', '020 7946 0958']);
  });
  it('does not take plain integers, ids, dates, times, IPs or UUIDs for phones', () => {
    for (const text of [
      '4155550100',
      'order 123456789012',
      '2024-01-02',
      '2024-01-02 10:11:12',
      '10.0.0.1',
      '192.168.100.200',
      '550e8400-e29b-41d4-a716-446655440000',
      '123-456-7890',
      'v1.415.555.0100',
      '+0 123 456 789',
      'ID-415-555-0100',
      '01-02-2024',
    ]) {
      expect(only('phone', text), text).toEqual([]);
    }
  });
});

describe('cloud keys and tokens', () => {
  it('finds AWS key ids and secrets next to their names', () => {
    const text =
      'aws_access_key_id=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(found(text)).toEqual([
      'aws_access_key:AKIAIOSFODNN7EXAMPLE',
      'aws_secret:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ]);
  });
  it('does not take any 40-character string for an AWS secret', () => {
    expect(only('aws_secret', 'sha1 wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toEqual([]);
    expect(only('aws_access_key', 'AKIAIOSFODNN7EXAMPLEX AKIA1234')).toEqual([]);
  });
  it('finds JWTs whose header has alg, not other dotted base64', () => {
    expect(only('jwt', `Authorization: Bearer ${JWT}`)).toEqual([JWT]);
    expect(only('jwt', 'eyJub3RhbGciOjF9.eyJzdWIiOjF9.abc')).toEqual([]);
  });
  it('finds PEM private keys, also unterminated and JSON-escaped', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';
    expect(only('private_key', `key:\n${pem}\nbye`)).toEqual([pem]);
    expect(only('private_key', '-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADAN\\n')).toEqual([
      '-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADAN\\n',
    ]);
    expect(only('private_key', '-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----')).toEqual([]);
  });
  it('masks the secret values of a GCP service-account key, keeping the JSON valid', () => {
    const json = JSON.stringify({
      type: 'service_account',
      project_id: 'demo',
      private_key_id: '0123456789abcdef0123456789abcdef01234567',
      private_key: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\n-----END PRIVATE KEY-----\n',
      client_email: 'svc@demo.iam.gserviceaccount.com',
    });
    const hits = scanText(json, ALL);
    expect(hits.map((h) => h.detector)).toEqual(['gcp_service_account', 'gcp_service_account', 'email']);
    let masked = json;
    for (const h of [...hits].reverse()) masked = masked.slice(0, h.start) + 'x'.repeat(3) + masked.slice(h.end);
    expect(JSON.parse(masked)).toMatchObject({ private_key: 'xxx', private_key_id: 'xxx', project_id: 'demo' });
  });
});

describe('generic_secret', () => {
  it('finds assignment values in the usual notations', () => {
    expect(
      only(
        'generic_secret',
        'password=hunter2&user=bob; DB_PASSWORD=\'s3cr3t\' {"api_key": "abc123", "client_secret":"xyz"} apikey: k-1 accessToken=tok',
      ),
    ).toEqual(['hunter2', 's3cr3t', 'abc123', 'xyz', 'k-1', 'tok']);
  });
  it('skips placeholders and words that only contain a key name', () => {
    expect(only('generic_secret', 'password=*** token: null tokens: 5 secretary=Ann password = $1')).toEqual([]);
  });
});

describe('scanText', () => {
  it('merges overlapping hits under the longest', () => {
    expect(found(`token=${JWT}`)).toEqual([`jwt:${JWT}`]);
  });
  it('returns hits in order across detectors', () => {
    expect(found('a@b.io 123-45-6789 +1 415 555 0100')).toEqual([
      'email:a@b.io',
      'us_ssn:123-45-6789',
      'phone:+1 415 555 0100',
    ]);
  });
  it('prefilter features agree for bytes and strings', () => {
    for (const text of ['plain words', 'a@b.io', JWT, 'AKIAIOSFODNN7EXAMPLE', 'DE89 3704', 'x: y', '-----BEGIN']) {
      expect(byteFeatures(Buffer.from(text)), text).toBe(textFeatures(text));
    }
    expect(textFeatures('Alice Smith') & 0xff).toBe(0);
    expect(textFeatures('Order 42 shipped to Lisbon') & 0xff).toBe(0);
  });
  it('the prefilter never hides a hit', () => {
    const positives = [
      'a@b.io',
      '4111 1111 1111 1111',
      'SSN 123-45-6789',
      'ssn: 123456789',
      'DE89 3704 0044 0532 0130 00',
      '+44 (20) 7946 0958',
      '(415) 555-0100',
      'AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'AWS_SECRET2=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      '{"type": "service_account", "private_key": "x"}',
      '{\\"private_key\\": \\"-----BEGIN PRIVATE KEY-----\\n\\"}',
      JWT,
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn',
      'password=hunter2',
      'api_key_2: abc',
      "token => 'abc'",
      'Authorization: Bearer abc.def',
    ];
    for (const text of positives) {
      for (const d of ALL) {
        const hits: DetectorHit[] = [];
        d.scan(text, hits);
        if (hits.length > 0) expect(mayHit(d, textFeatures(text)), `${d.name}: ${text}`).toBe(true);
      }
      expect(scanText(text, ALL).length, text).toBeGreaterThan(0);
    }
  });
  it('the prefilter never hides a hit on random texts of digits, separators, words and signs', () => {
    // Pieces that build cards, phone numbers, SSNs and IBANs, and the characters that sit between their digits.
    const pieces = [
      ...['4111', '1111', '415', '555', '0100', '123', '45', '6789', '0', '9', '12', '34', '56', '78'],
      ...['4111 1111 1111 1111', '4111-1111-1111-1111', '4111111111111111', '378282246310005'],
      ...[
        '(415) 555-0100',
        '415.555.0100',
        '+44 (20) 7946 0958',
        '+44 (20) (7946) 0958',
        '+1 (234) (567) 8901',
        '+14155550100',
        '020 7946 0958',
        '06 12 34 56 78',
      ],
      ...['123-45-6789', '123 45 6789', '123456789', 'DE89 3704 0044 0532 0130 00'],
    ];
    const between = [
      ' ',
      '-',
      '.',
      '(',
      ')',
      ' (',
      ') ',
      ')(',
      ') (',
      '+',
      '+1 ',
      '\\ ',
      'ssn ',
      'SSN: ',
      'x',
      '/',
      '',
    ];
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let hitsSeen = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      for (let k = 1 + next(9); k > 0; k--) text += `${between[next(between.length)]}${pieces[next(pieces.length)]}`;
      const features = textFeatures(text);
      expect(byteFeatures(Buffer.from(text)), text).toBe(features);
      for (const d of ALL) {
        const hits: DetectorHit[] = [];
        d.scan(text, hits);
        if (hits.length === 0) continue;
        hitsSeen++;
        expect(mayHit(d, features), `${d.name}: ${text}`).toBe(true);
      }
    }
    expect(hitsSeen).toBeGreaterThan(10_000);
  });
  it('the prefilter lets hex digests and ids through without a scan', () => {
    const clean = ['5d41402abc4b2a76b9719d911017c592', 'order 12345678', 'v1.2.3', 'Lisbon'];
    for (const text of clean) expect(ALL.filter((d) => mayHit(d, textFeatures(text))).map((d) => d.name)).toEqual([]);
  });
  it('the prefilter reads through COPY text escapes', () => {
    // COPY ... (DELIMITER ' ') escapes a space in the data as `\ `; decoded, these are a card and a secret.
    const card = textFeatures('4111\\ 1111\\ 1111\\ 1111');
    expect(mayHit(BUILTIN.credit_card, card)).toBe(true);
    expect(mayHit(BUILTIN.generic_secret, textFeatures('token\\:abc'))).toBe(true);
  });
  it('runs in linear time on adversarial input', () => {
    const long = `${'a'.repeat(200_000)} ${'1 '.repeat(100_000)}${'-'.repeat(50_000)}@${'x.'.repeat(50_000)}`;
    const t0 = performance.now();
    scanText(long, ALL);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('custom detectors', () => {
  it('compiles config patterns once and finds them', () => {
    const [emp] = compileDetectors([{ name: 'employee_id', pattern: 'EMP-\\d{6}' }]);
    expect(found('by EMP-123456 and EMP-1', emp ? [emp] : [])).toEqual(['employee_id:EMP-123456']);
  });
  it('rejects bad patterns, flags and names with the path', () => {
    const bad = [
      [{ name: 'x', pattern: '(' }, /masking\.detectors\[0\]\.pattern: invalid regular expression/],
      [{ name: 'x', pattern: 'a*' }, /matches the empty string/],
      [{ name: 'x', pattern: 'a', flags: 'g' }, /flags/],
      [{ name: 'email', pattern: 'a' }, /built-in/],
      [{ name: 'Bad Name', pattern: 'a' }, /name/],
      ['mail', /unknown detector "mail"/],
    ] as const;
    for (const [config, message] of bad) {
      const configs = [config as unknown as DetectorConfig];
      expect(() => compileDetectors(configs)).toThrow(MaskingConfigError);
      expect(() => compileDetectors(configs)).toThrow(message);
    }
  });
});
