/** The policy layer's public API (issue 3 §1, §2): classification, actions, the policy schema and decisions. */
export { categorizeFunction, FUNCTION_CATEGORIES, type FunctionCategory } from './function-categories';
export { numericShape } from './literal-shape';
export type * from './policy.types';
export { type CompiledPolicy, type CompiledRule, compilePolicy, decide, describeAction } from './policy-engine';
export {
  type MaskingConfig,
  maskingSchema,
  type PolicyConfig,
  type PolicyInput,
  parseDuration,
  policiesSchema,
  policySchema,
  type RuleConfig,
  ruleSchema,
} from './policy-schema';
export { formatPolicyTest } from './policy-test';
export {
  createPreparedStatements,
  executeText,
  type PreparedStatements,
  type ServerAnswer,
} from './prepared-statements';
export { sqlActions } from './sql-actions';
export { type ClassificationCache, classifySql, createClassificationCache, initSqlClassifier } from './sql-classifier';
export { GENERIC_KINDS, STATEMENT_KINDS, type StatementKind } from './statement-kinds';
