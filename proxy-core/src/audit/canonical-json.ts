// Moved to @vigil/recordings (src/audit) so evidence packets are verified by the same code in the browser.
export { canonicalJson, type JsonValue, toJsonValue } from '@vigil/recordings';
