import type { CommandToCheck } from '../../pipeline/command-gate.types';
import type { CommandInterpreter, Interpretation } from '../../pipeline/policy-gate';
import { shellInterpretation } from '../../shell/shell-command';

/** SSH commands (`exec`) and shell lines (`line`) as the policy gate sees them: the programs they run. */
export const shellInterpreter: CommandInterpreter = {
  interpret(command: CommandToCheck): Interpretation {
    return shellInterpretation(command.text);
  },
};
