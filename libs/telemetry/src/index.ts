export { startTelemetry, shutdownTelemetry } from './sdk.ts';
export { settingsFromEnv, type TelemetrySettings } from './settings.ts';
export {
  captureTraceContext,
  currentTraceId,
  markSpanFailed,
  markSpanRefused,
  runInTraceContext,
  SpanKind,
  SpanStatusCode,
  withSpan,
  type Attributes,
  type Span,
  type SpanOptions,
} from './spans.ts';
export { meter } from './metrics.ts';
export { createLogger, loggerOptions, REDACTED_PATHS, type Logger } from './logger.ts';
export { maskAccountNumbers, redact, REDACTED } from './redaction.ts';
