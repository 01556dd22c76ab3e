import { parseParameterStatus } from './codec';

/**
 * Settings under which the server would read SQL differently from the classifier (backslash escapes
 * in ordinary strings, another client encoding): the setting's name, or undefined when safe.
 */
export function unsafeSetting(parameterStatus: Uint8Array): string | undefined {
  const { name, value } = parseParameterStatus(parameterStatus);
  if (name === 'standard_conforming_strings' && value !== 'on') return 'standard_conforming_strings';
  if (name === 'client_encoding' && value.toUpperCase() !== 'UTF8') return 'client_encoding';
  return undefined;
}
