import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { SERVICES } from '@bankshop/contracts';
import { OpenApiRegistry } from '@bankshop/platform';
import { GatewayConfig } from '../config/gateway.config.ts';
import type { UpstreamName } from '../proxy/upstreams.ts';
import { mergeDocuments, type PublicDocument, type ServiceDocument } from './merge-documents.ts';

/** A complete document is made again after this; one missing a service, sooner. */
const FRESH_MS = 60_000;
const FRESH_WHEN_INCOMPLETE_MS = 5_000;
const FETCH_TIMEOUT_MS = 2_000;

/**
 * The document of `GET /api/openapi.json`: the gateway's own, merged with the one each service
 * generates from its code (`GET /internal/openapi.json`), so that it cannot drift from what the
 * services really do. Made on demand and kept a minute; concurrent callers share one build.
 */
@Injectable()
export class PublicApiDocument {
  private cached: { document: Promise<PublicDocument>; expiresAt: number } | undefined;

  constructor(
    private readonly registry: OpenApiRegistry,
    private readonly config: GatewayConfig,
  ) {}

  get(): Promise<PublicDocument> {
    if (!this.cached || this.cached.expiresAt <= Date.now()) {
      const document = this.build();
      // Until it is built, callers wait for this one; once built, it is kept as long as it deserves.
      this.cached = { document, expiresAt: Number.POSITIVE_INFINITY };
      void document.then(
        (built) => {
          const freshFor = built['x-missing-services'] ? FRESH_WHEN_INCOMPLETE_MS : FRESH_MS;
          if (this.cached?.document === document) this.cached.expiresAt = Date.now() + freshFor;
        },
        () => {
          if (this.cached?.document === document) this.cached = undefined;
        },
      );
    }
    return this.cached.document;
  }

  private async build(): Promise<PublicDocument> {
    const own = this.registry.document;
    if (!own) throw new Error('the gateway was started without its own OpenAPI document');
    const upstreams = SERVICES.map(({ name }) => name).filter((name): name is UpstreamName => name !== 'gateway');
    const fetched = await Promise.all(upstreams.map(async (service) => ({ service, document: await this.fetch(service) })));
    const answered: ServiceDocument[] = [];
    const missing: string[] = [];
    for (const { service, document } of fetched) {
      if (document) answered.push({ service, document });
      else missing.push(service);
    }
    return mergeDocuments(own, answered, missing);
  }

  /** The service's document, or undefined when it cannot give one right now. */
  private async fetch(service: UpstreamName): Promise<OpenAPIObject | undefined> {
    const base = this.config[`${service.toUpperCase()}_SERVICE_URL` as `${Uppercase<UpstreamName>}_SERVICE_URL`];
    try {
      const response = await fetch(new URL('/internal/openapi.json', base), {
        headers: { 'X-Internal-Token': this.config.INTERNAL_API_TOKEN },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return undefined;
      }
      const document = (await response.json()) as Partial<OpenAPIObject>;
      return typeof document.openapi === 'string' && document.paths ? (document as OpenAPIObject) : undefined;
    } catch {
      return undefined;
    }
  }
}
