import 'reflect-metadata';
import { Controller, Get, type ArgumentsHost, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@bankshop/contracts';
import { AuthModule } from './auth.module.ts';
import type { AuthenticatedUser, Role } from './authenticated-user.ts';
import { CurrentUser, Internal, Public, Roles } from './decorators.ts';
import { JwtVerifier } from './jwt-verifier.ts';

const ISSUER = 'bankshop-gateway';
const AUDIENCE = 'bankshop';
const KID = 'gateway-key-1';
const INTERNAL_API_TOKEN = 'internal-token-0123456789abcdef';

@Controller()
class ProbeController {
  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }

  @Public()
  @Get('catalogue')
  catalogue(): { open: true } {
    return { open: true };
  }

  @Internal()
  @Get('internal/ping')
  internal(): { internal: true } {
    return { internal: true };
  }

  @Roles('admin')
  @Get('admin/report')
  report(): { admin: true } {
    return { admin: true };
  }
}

/** Every route of a controller marked `@Public()` at class level is open. */
@Public()
@Controller('open')
class OpenController {
  @Get()
  open(): { open: true } {
    return { open: true };
  }
}

/**
 * Mapping error codes to statuses is the platform's job, and auth must not depend on platform;
 * this stand-in answers just the two statuses the guard can cause.
 */
class StatusByCodeFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const code = error instanceof DomainError ? error.code : 'INTERNAL_ERROR';
    const status = code === 'UNAUTHENTICATED' ? 401 : code === 'FORBIDDEN' ? 403 : 500;
    host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: unknown): void } }>()
      .status(status)
      .json({ code });
  }
}

let app: INestApplication;
let privateKey: CryptoKey;

async function bearer(roles: Role[], expiresIn = 900): Promise<string> {
  const token = await new SignJWT({ email: `${roles.join('-')}@example.com`, roles })
    .setProtectedHeader({ alg: 'RS256', kid: KID })
    .setSubject(`user-${roles.join('-')}`)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
    .sign(privateKey);
  return `Bearer ${token}`;
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  const localKeys = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256' }] });
  const options = {
    jwksUrl: 'http://127.0.0.1:1/unused',
    issuer: ISSUER,
    audience: AUDIENCE,
    internalApiToken: INTERNAL_API_TOKEN,
  };

  const moduleRef = await Test.createTestingModule({
    imports: [AuthModule.forRootAsync({ useFactory: () => options })],
    controllers: [ProbeController, OpenController],
  })
    .overrideProvider(JwtVerifier)
    .useValue(new JwtVerifier(options, localKeys))
    .compile();
  app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalFilters(new StatusByCodeFilter());
  await app.init();
});

afterAll(async () => {
  await app?.close();
});

describe('AuthGuard on a default (protected) route', () => {
  it('refuses a request without a token', async () => {
    await request(app.getHttpServer()).get('/me').expect(401);
  });

  it.each([
    { what: 'the Basic scheme', header: 'Basic YWRhOnNlY3JldA==' },
    { what: 'a Bearer scheme without a token', header: 'Bearer ' },
    { what: 'a token without a scheme', header: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' },
    { what: 'two tokens', header: 'Bearer abc def' },
  ])('refuses $what', async ({ header }) => {
    await request(app.getHttpServer()).get('/me').set('Authorization', header).expect(401);
  });

  it('refuses a token that does not verify', async () => {
    await request(app.getHttpServer()).get('/me').set('Authorization', 'Bearer not.a.token').expect(401);
  });

  it('refuses an expired token', async () => {
    await request(app.getHttpServer())
      .get('/me')
      .set('Authorization', await bearer(['customer'], -60))
      .expect(401);
  });

  it('lets a customer with a valid token through, as the user the token names', async () => {
    const response = await request(app.getHttpServer())
      .get('/me')
      .set('Authorization', await bearer(['customer']))
      .expect(200);

    expect(response.body).toEqual({ id: 'user-customer', email: 'customer@example.com', roles: ['customer'] });
  });

  it('accepts the scheme name in any case, as HTTP requires', async () => {
    const header = (await bearer(['customer'])).replace('Bearer', 'bearer');

    await request(app.getHttpServer()).get('/me').set('Authorization', header).expect(200);
  });
});

describe('AuthGuard on a @Roles("admin") route', () => {
  it('forbids a customer', async () => {
    await request(app.getHttpServer())
      .get('/admin/report')
      .set('Authorization', await bearer(['customer']))
      .expect(403);
  });

  it('lets an admin through', async () => {
    const response = await request(app.getHttpServer())
      .get('/admin/report')
      .set('Authorization', await bearer(['admin']))
      .expect(200);

    expect(response.body).toEqual({ admin: true });
  });

  it('asks an anonymous caller to authenticate rather than forbidding', async () => {
    await request(app.getHttpServer()).get('/admin/report').expect(401);
  });
});

describe('AuthGuard on a @Public() route', () => {
  it('lets a caller without a token through', async () => {
    const response = await request(app.getHttpServer()).get('/catalogue').expect(200);

    expect(response.body).toEqual({ open: true });
  });

  it('ignores an invalid token instead of refusing it', async () => {
    await request(app.getHttpServer()).get('/catalogue').set('Authorization', 'Bearer garbage').expect(200);
  });

  it('opens every route of a controller marked @Public()', async () => {
    await request(app.getHttpServer()).get('/open').expect(200);
  });
});

describe('AuthGuard on an @Internal() route', () => {
  it('lets a caller with the right X-Internal-Token through', async () => {
    const response = await request(app.getHttpServer())
      .get('/internal/ping')
      .set('X-Internal-Token', INTERNAL_API_TOKEN)
      .expect(200);

    expect(response.body).toEqual({ internal: true });
  });

  it('refuses a wrong internal token', async () => {
    await request(app.getHttpServer()).get('/internal/ping').set('X-Internal-Token', 'internal-token-guessed').expect(401);
  });

  it('refuses a prefix of the internal token', async () => {
    await request(app.getHttpServer())
      .get('/internal/ping')
      .set('X-Internal-Token', INTERNAL_API_TOKEN.slice(0, -1))
      .expect(401);
  });

  it('refuses a caller without an internal token', async () => {
    await request(app.getHttpServer()).get('/internal/ping').expect(401);
  });

  it('refuses a valid user token: a bearer token never opens an internal route', async () => {
    await request(app.getHttpServer())
      .get('/internal/ping')
      .set('Authorization', await bearer(['admin']))
      .expect(401);
  });
});
