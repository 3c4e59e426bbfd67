import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { OpenApiRegistry } from '@bankshop/platform';
import { PublicApiDocument } from './public-api-document.ts';

/**
 * `GET /api/docs`: Swagger UI (served by `@nestjs/swagger`, its assets through `@fastify/static`)
 * showing the same merged document as `/api/openapi.json`, which a Nest controller serves.
 */
export function setUpApiDocs(app: INestApplication): void {
  const publicDocument = app.get(PublicApiDocument);
  const own = app.get(OpenApiRegistry).document;
  if (!own) throw new Error('the gateway was started without its own OpenAPI document');
  SwaggerModule.setup('api/docs', app, own, {
    raw: false,
    customSiteTitle: 'Bankshop API',
    // The page embeds the document; each request gets the merged one (cached) instead of the
    // gateway's own.
    patchDocumentOnRequest: () => publicDocument.get(),
    swaggerOptions: { persistAuthorization: true },
  });
}
