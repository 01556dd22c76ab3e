import { createHash } from 'node:crypto';

/**
 * The PasswordMessage content answering AuthenticationMD5Password:
 * `'md5' + md5hex(md5hex(password + user) + salt)`.
 * @see https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP
 */
export function md5Password(user: string, password: string, salt: Uint8Array): string {
  const inner = createHash('md5').update(password, 'utf8').update(user, 'utf8').digest('hex');
  return `md5${createHash('md5').update(inner, 'latin1').update(salt).digest('hex')}`;
}
