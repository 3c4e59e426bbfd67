import type { IncomingMessage } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

/** Probes are polled every few seconds; tracing them would bury the interesting traces. */
const UNTRACED_PATHS = /^\/(health\/(live|ready)|api\/health|metrics)(\?|$)/;

/**
 * The libraries this system uses, each instrumented explicitly instead of through the
 * auto-instrumentations bundle: fewer modules hooked at start-up and no surprises. There is no
 * NestJS instrumentation here because the contrib one does nothing on Nest 12; business steps get
 * manual spans (see `withSpan`).
 */
export function instrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.test(request.url ?? ''),
    }),
    // A span per route handler (and `http.route` on the server span), none per middleware layer:
    // those said little (json parser, request log) and cost 7-10 % of a cached GET's CPU.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
    new UndiciInstrumentation(),
    // Statement text is kept (it has placeholders, not values); parameter values never are.
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    new KafkaJsInstrumentation(),
    new PinoInstrumentation(),
    new RuntimeNodeInstrumentation(),
  ];
}
