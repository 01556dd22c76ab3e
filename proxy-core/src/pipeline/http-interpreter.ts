import type { HttpCommandToCheck } from '../protocols/http';
import type { CommandToCheck } from './command-gate.types';
import type { CommandInterpreter, Interpretation } from './policy-gate';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** HTTP requests as policy sees them: the listener has already built the action (method, host, normalized path, JSON body). */
export const httpInterpreter: CommandInterpreter = {
  interpret(command: CommandToCheck): Interpretation {
    const actions = (command as HttpCommandToCheck).actions ?? [];
    const methods = actions.map((a) => a.method);
    return {
      actions,
      unparsed: actions.length === 0,
      readOnly: methods.every((m) => SAFE_METHODS.has(m)),
      kinds: methods,
      statements: actions.map((a) => ({ kind: a.method, tables: [a.path] })),
    };
  },
};
