import type { INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import { pinoHttp } from 'pino-http';
import { ServiceConfig } from '../config/service-config.ts';
import { ProblemDetailsFilter } from '../errors/problem-details.filter.ts';
import { requestLogOptions } from '../logging/logging.module.ts';
import { UndeclaredBodyInterceptor } from '../validation/undeclared-body.interceptor.ts';
import { StrictValidationPipe } from '../validation/validation.pipe.ts';
import { requestContextMiddleware } from './request-id.middleware.ts';

/** Larger bodies are refused with 413 before any parsing work is spent on them. */
export const BODY_LIMIT = '100kb';
export const BODY_LIMIT_BYTES = 100 * 1024;

/**
 * The HTTP conventions of API.md applied to an application: JSON only (with a size limit),
 * request ids and trace headers, strict validation (also of bodies sent to routes that take none),
 * problem+json errors, JSON logs. Used by `bootstrap` and by the test app factory, so tests run
 * exactly what production runs.
 *
 * On Fastify (the gateway) the body limit and JSON parsing are set when the adapter is created
 * (`createFastifyAdapter`), and the request context and request log are Fastify `onRequest` hooks
 * (the same functions as the Express middleware, without Nest's middleware layer); everything else
 * is the same.
 */
export function configureApp(app: INestApplication): void {
  app.useLogger(app.get(Logger));
  if (app.getHttpAdapter().getType() === 'express') {
    const express = app as NestExpressApplication;
    express.disable('x-powered-by');
    // ETags would hash every JSON answer for clients that never send If-None-Match.
    express.set('etag', false);
    express.useBodyParser('json', { limit: BODY_LIMIT, strict: true });
    app.use(requestContextMiddleware);
  } else {
    const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
    const logRequest = pinoHttp(requestLogOptions(app.get(ServiceConfig).LOG_LEVEL));
    fastify.addHook('onRequest', (request, reply, done) => requestContextMiddleware(request.raw, reply.raw, done));
    fastify.addHook('onRequest', (request, reply, done) => logRequest(request.raw, reply.raw, done));
  }
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalInterceptors(new UndeclaredBodyInterceptor());
  app.useGlobalFilters(new ProblemDetailsFilter(app.get(HttpAdapterHost)));
}
