import type { IncomingMessage } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions } from '@bankshop/telemetry';
import { ServiceConfig } from '../config/service-config.ts';
import { REQUEST_ID_HEADER } from '../http/request-id.middleware.ts';

const QUIET_PATHS = /^\/(health\/(live|ready)|api\/health)(\?|$)/;

/**
 * Structured JSON logs through pino: one line per request (except probes) with its id, and every
 * line inside a span carrying `trace_id` and `span_id` (added by the pino instrumentation).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ServiceConfig],
      useFactory: (config: ServiceConfig) => ({
        pinoHttp: {
          ...loggerOptions(config.LOG_LEVEL),
          genReqId: (request: IncomingMessage) => String(request.headers[REQUEST_ID_HEADER] ?? ''),
          autoLogging: { ignore: (request: IncomingMessage) => QUIET_PATHS.test(request.url ?? '') },
          serializers: {
            req: (request: { id: string; method: string; url: string }) => ({
              id: request.id,
              method: request.method,
              url: request.url,
            }),
            res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
