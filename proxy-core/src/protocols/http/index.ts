/** The HTTP API connector: what the gateway wires (see README.md). */
export { detectorTextMasker } from './detector-text-masker';
export {
  commandText,
  type HttpCommandToCheck,
  type HttpRequestAction,
  type HttpRequestInfo,
  httpActions,
  policyPath,
} from './http-actions';
export { startHttpListener } from './http-listener';
export type {
  AuthFailureInfo,
  HttpConnection,
  HttpLimits,
  HttpListener,
  HttpListenerOptions,
  SigV4Credentials,
  TextMask,
  TextMasker,
  UpstreamAuth,
} from './http-listener.types';
export { JsonPathError, parseJsonPath } from './json-path';
export type { RecordingBackpressure } from './recorder-backpressure';
