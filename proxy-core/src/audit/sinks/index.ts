export { AuditForwarder, type AuditForwarderOptions, type AuditForwarderStatus } from './audit-forwarder';
export { type AuditSink, SinkError } from './audit-sink.types';
export {
  type AuditSinkConfig,
  type AuditSinkDeps,
  auditSinkSchema,
  auditSinksSchema,
  createAuditForwarders,
} from './audit-sinks-config';
export { JsonlFileSink, type JsonlFileSinkOptions } from './jsonl-file-sink';
export { SplunkHecSink, type SplunkHecSinkOptions } from './splunk-hec-sink';
export { SyslogSink, type SyslogSinkOptions } from './syslog-sink';
export { WebhookSink, type WebhookSinkOptions, webhookSignatureValid } from './webhook-sink';
