import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { ProblemDetailsFilter } from '../errors/problem-details.filter.ts';
import { StrictValidationPipe } from '../validation/validation.pipe.ts';
import { requestContextMiddleware } from './request-id.middleware.ts';

/** Larger bodies are refused with 413 before any parsing work is spent on them. */
export const BODY_LIMIT = '100kb';

/**
 * The HTTP conventions of API.md applied to an application: JSON only (with a size limit),
 * request ids and trace headers, strict validation, problem+json errors, JSON logs. Used by
 * `bootstrap` and by the test app factory, so tests run exactly what production runs.
 */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useLogger(express.get(Logger));
  express.disable('x-powered-by');
  // ETags would hash every JSON answer for clients that never send If-None-Match.
  express.set('etag', false);
  express.use(requestContextMiddleware);
  express.useBodyParser('json', { limit: BODY_LIMIT, strict: true });
  express.useGlobalPipes(new StrictValidationPipe());
  express.useGlobalFilters(new ProblemDetailsFilter());
}
