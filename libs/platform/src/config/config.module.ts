import { Module, type DynamicModule } from '@nestjs/common';
import { loadConfig } from './load-config.ts';
import { ServiceConfig } from './service-config.ts';

/**
 * Provides the validated configuration of a service under its own class, so a provider simply
 * asks for it by type: `constructor(private readonly config: AccountConfig)`. Platform code asks
 * for the base `ServiceConfig` and gets the same object.
 */
@Module({})
export class ConfigModule {
  static forRoot<T extends ServiceConfig>(schema: new () => T): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [
        { provide: schema, useFactory: () => loadConfig(schema) },
        { provide: ServiceConfig, useExisting: schema },
      ],
      exports: [schema, ServiceConfig],
    };
  }
}
