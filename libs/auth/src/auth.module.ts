import { Module, type DynamicModule, type FactoryProvider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.ts';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options.ts';
import { JwtVerifier } from './jwt-verifier.ts';

export interface AuthModuleAsyncOptions {
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => AuthOptions;
}

/** Token verification for a service, with the guard installed for every route. */
@Module({})
export class AuthModule {
  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AUTH_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        { provide: JwtVerifier, inject: [AUTH_OPTIONS], useFactory: (auth: AuthOptions) => new JwtVerifier(auth) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [JwtVerifier],
    };
  }
}
