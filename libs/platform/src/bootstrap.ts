import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, Type } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { kafkaConsumerOptions } from '@bankshop/messaging';
import { createLogger, shutdownTelemetry } from '@bankshop/telemetry';
import { InvalidConfigError, loadConfig } from './config/load-config.ts';
import type { ServiceConfig } from './config/service-config.ts';
import { BODY_LIMIT_BYTES, configureApp } from './http/configure-app.ts';
import { createOpenApiDocument, type OpenApiOptions } from './openapi/openapi-document.ts';
import { OpenApiRegistry } from './openapi/openapi-registry.ts';

export interface BootstrapOptions<TConfig extends ServiceConfig> {
  /** Used for logs and as the Kafka client id, e.g. `account`. */
  serviceName: string;
  config: Type<TConfig>;
  /**
   * The HTTP adapter: Express (the default, for the services) or Fastify (for the gateway, the
   * hot path every request crosses; see apps/gateway/README.md for the measurement).
   */
  adapter?: 'express' | 'fastify';
  /**
   * Extra set-up of the HTTP server before it listens (the gateway registers its proxy, rate
   * limiting and security headers here).
   */
  configure?: (app: INestApplication) => Promise<void>;
  /**
   * Set when the service consumes Kafka events (`@EventPattern` handlers): its consumer group,
   * normally the service name (`KAFKA_GROUP_ID` overrides it).
   */
  kafkaConsumerGroup?: string;
  /**
   * Set when the service has public routes (`/api/*`): the OpenAPI document generated from its
   * controllers and DTOs at start-up, served at `GET /internal/openapi.json` for the gateway.
   */
  openApi?: OpenApiOptions;
}

/**
 * Fastify with the same body limit as the Express services. Loaded only when asked for, so the
 * services do not pay for it at start-up.
 */
async function createFastifyAdapter(): Promise<AbstractHttpAdapter> {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  // X-Forwarded-For is not trusted: at the edge it is whatever the client wrote, and rate limits
  // per IP would be trivially bypassed. Behind a load balancer, configure that hop explicitly.
  return new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: false });
}

/**
 * Starts a service: validate config, create the app, start Kafka consumers, listen; and stop it
 * gracefully on SIGTERM/SIGINT. `main.ts` of every service is one call to this.
 *
 * Shutdown order matters: stop taking requests and let in-flight ones finish (Nest closes the
 * HTTP server and the consumers), then close pools and the producer, then flush telemetry last so
 * the spans of the final requests are exported. A hard deadline guards against anything hanging.
 */
export async function bootstrap<TConfig extends ServiceConfig>(
  appModule: Type<unknown>,
  options: BootstrapOptions<TConfig>,
): Promise<INestApplication> {
  let config: TConfig;
  try {
    config = loadConfig(options.config);
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    process.stderr.write(`${options.serviceName}: ${error.message}\n`);
    process.exit(1);
  }

  const logger = createLogger(options.serviceName, config.LOG_LEVEL);
  let app: INestApplication;
  try {
    const nestOptions = { bufferLogs: true, abortOnError: false } as const;
    app =
      options.adapter === 'fastify'
        ? await NestFactory.create(appModule, await createFastifyAdapter(), nestOptions)
        : await NestFactory.create<NestExpressApplication>(appModule, { ...nestOptions, bodyParser: false });
    configureApp(app);
    if (options.openApi) app.get(OpenApiRegistry).document = createOpenApiDocument(app, options.openApi);
    await options.configure?.(app);
    if (options.kafkaConsumerGroup) {
      app.connectMicroservice(
        kafkaConsumerOptions({
          brokers: config.KAFKA_BROKERS,
          clientId: options.serviceName,
          groupId: config.KAFKA_GROUP_ID ?? options.kafkaConsumerGroup,
        }),
        { inheritAppConfig: true },
      );
      await app.startAllMicroservices();
    }
    await app.listen(config.PORT, '0.0.0.0');
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    await shutdownTelemetry();
    process.exit(1);
  }

  logger.info({ port: config.PORT }, `${options.serviceName} listening on port ${config.PORT}`);
  const started = app;
  const stop = async (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    try {
      await started.close();
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
    }
    await shutdownTelemetry();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return app;
}
