/**
 * Why `path` is not acceptable as an entry name, or undefined. Packet entries are relative POSIX paths, so an
 * unzip tool can never be led to write outside the target directory ("zip slip").
 */
export function checkEntryPath(path: string): string | undefined {
  if (path === '') return 'empty name';
  if (path.length > 1024) return 'name longer than 1024 characters';
  if (path.startsWith('/')) return 'absolute path';
  if (path.includes('\\')) return 'backslash in name';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return 'control character in name';
  }
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..'))
    return 'empty, "." or ".." path segment';
  return undefined;
}
