/**
 * Masking (issue 3 §3), as a library the PostgreSQL session wires in:
 * - at config load: `compileMasking(policy.masking)`; at startup: `await initMasking()`;
 * - per Query / Parse: `analyzeSql` → `NamedResults.apply` → `checkStatement` (deny before it runs);
 * - per RowDescription / CopyOutResponse: `createMaskPlan` → `createRowMasker` / `createCopyMasker`;
 * - per ErrorResponse / NoticeResponse field and NotificationResponse payload: `maskFreeText`.
 */
export type { ColumnMatcher } from './column-matcher';
export { type CompiledMasking, compileMasking } from './compile-masking';
export { type CopyMasker, type CopyMaskResult, createCopyMasker } from './copy-masker';
export type { Detector, DetectorHit } from './detectors/detector';
export { compileDetectors, scanText } from './detectors/index';
export { maskFreeText } from './free-text';
export type { OutputColumn, SideRef } from './lineage/lineage';
export { type AnalyzeOptions, analyzeSql, type NamedResult, type StatementLineage } from './lineage/statement';
export { checkStatement, copyFields, createMaskPlan, planMasking } from './mask-plan';
export { hashValue, type MaskStyle, maskText, maskValue, REDACTED, type TextRange } from './mask-style';
export * from './masking.types';
export { createNamedResults, type NamedResults } from './named-results';
export { createRowMasker, type RowMasker, type RowMaskerOptions, type RowMaskResult } from './row-masker';
export { initMasking } from './sql-parser';
