import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that may hold secrets in anything we log (request headers, bodies, errors). Pino removes
 * them before a line is written, so no code path can leak them by accident.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-internal-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.secret',
  '*.privateKey',
];

/**
 * Pino options shared by every service: JSON lines on stdout, ISO time, level names, and
 * redaction. `trace_id`/`span_id` are added to every line written inside a span by the pino
 * instrumentation, which also forwards the line to the OpenTelemetry logs pipeline.
 */
export function loggerOptions(level: string = process.env.LOG_LEVEL ?? 'info'): LoggerOptions {
  return {
    // Services validate LOG_LEVEL at boot; code outside a service must not crash on a typo.
    level: level in pino.levels.values || level === 'silent' ? level : 'info',
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
}

/** A standalone logger for code that runs outside Nest (scripts, the relay before boot). */
export function createLogger(name: string, level?: string): Logger {
  return pino({ ...loggerOptions(level), name });
}

export type { Logger };
