import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  UseGuards,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { IsString, MinLength } from 'class-validator';
import { LoggerModule } from 'nestjs-pino';
import { of } from 'rxjs';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ServiceConfig } from '../config/service-config.ts';
import { BODY_LIMIT_BYTES, configureApp } from '../http/configure-app.ts';
import { UndeclaredBodyInterceptor } from './undeclared-body.interceptor.ts';

class FreezeDto {
  @IsString()
  @MinLength(1)
  reason!: string;
}

class RefuseEveryone implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

/** What the handlers did: a refused request must leave this empty. */
const handled: string[] = [];

@Controller()
class AdminProbeController {
  @Post('accounts/:id/freeze')
  @HttpCode(200)
  freeze(@Param('id') id: string, @Body() body: FreezeDto): { id: string; reason: string } {
    handled.push(`freeze ${id}`);
    return { id, reason: body.reason };
  }

  @Post('accounts/:id/unfreeze')
  @HttpCode(200)
  unfreeze(@Param('id') id: string): { id: string } {
    handled.push(`unfreeze ${id}`);
    return { id };
  }

  @Post('internal/holds/:id/void')
  @HttpCode(200)
  void(@Param('id') id: string): { id: string } {
    handled.push(`void ${id}`);
    return { id };
  }

  @Get('accounts/totals')
  totals(): { items: [] } {
    handled.push('totals');
    return { items: [] };
  }

  @Post('locked')
  @UseGuards(RefuseEveryone)
  locked(): void {
    handled.push('locked');
  }
}

async function expressApp(): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [LoggerModule.forRoot({ pinoHttp: { level: 'silent' } })],
    controllers: [AdminProbeController],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, bufferLogs: true });
  configureApp(app);
  await app.init();
  return app;
}

/** The gateway's set-up: Fastify with the platform's body limit, and its request log level from the config. */
async function fastifyApp(): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [LoggerModule.forRoot({ pinoHttp: { level: 'silent' } })],
    controllers: [AdminProbeController],
    providers: [{ provide: ServiceConfig, useValue: Object.assign(new ServiceConfig(), { LOG_LEVEL: 'silent' }) }],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), {
    bufferLogs: true,
  });
  configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe.each([
  { adapter: 'Express (the services)', create: expressApp },
  { adapter: 'Fastify (the gateway)', create: fastifyApp },
])('a body sent to a route that takes none, on $adapter', ({ create }) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await create();
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => {
    handled.length = 0;
  });

  function unfreeze(): request.Test {
    return request(app.getHttpServer()).post('/accounts/a-1/unfreeze');
  }

  it('refuses an unknown field with 400 VALIDATION_FAILED naming it, and the handler never runs', async () => {
    const response = await unfreeze()
      .send({ force: true })
      .expect(400)
      .expect('Content-Type', /^application\/problem\+json/);

    expect(response.body).toMatchObject({
      type: 'urn:bankshop:problem:validation-failed',
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'force', message: 'property force should not exist' }],
    });
    expect(handled).toEqual([]);
  });

  it('answers exactly as the DTO validation answers an unknown field', async () => {
    const withDto = await request(app.getHttpServer()).post('/accounts/a-1/freeze').send({ reason: 'fraud', force: true }).expect(400);
    const withoutDto = await unfreeze().send({ force: true }).expect(400);

    expect(withoutDto.body.errors).toEqual(withDto.body.errors);
    expect(handled).toEqual([]);
  });

  it('lists every top-level field, each once', async () => {
    const response = await unfreeze()
      .send({ force: true, reason: 'x', options: { deep: 1 } })
      .expect(400);

    expect(response.body.errors).toEqual([
      { field: 'force', message: 'property force should not exist' },
      { field: 'reason', message: 'property reason should not exist' },
      { field: 'options', message: 'property options should not exist' },
    ]);
  });

  it('applies to internal routes and to reads alike', async () => {
    const internal = await request(app.getHttpServer()).post('/internal/holds/h-1/void').send({ amount: '5.00' }).expect(400);
    const read = await request(app.getHttpServer())
      .get('/accounts/totals')
      .set('Content-Type', 'application/json')
      .send('{"currency":"EUR"}')
      .expect(400);

    expect(internal.body.errors).toEqual([{ field: 'amount', message: 'property amount should not exist' }]);
    // Fastify does not parse the body of a GET: there it is refused as a whole, not by field.
    expect(read.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: expect.stringMatching(/^(currency|body)$/) as unknown }] });
    expect(handled).toEqual([]);
  });

  it('refuses a non-empty JSON array as a whole', async () => {
    const response = await unfreeze().send([{ force: true }]).expect(400);

    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'body', message: 'must be empty: this route takes no body' }],
    });
    expect(handled).toEqual([]);
  });

  it('refuses a payload that is not JSON', async () => {
    const response = await unfreeze().set('Content-Type', 'text/plain').send('force=true').expect(400);

    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'body' }] });
    expect(handled).toEqual([]);
  });

  it.each([
    { what: 'no body', send: (call: request.Test) => call },
    { what: 'an empty JSON object', send: (call: request.Test) => call.send({}) },
    { what: 'an empty JSON array', send: (call: request.Test) => call.send([]) },
    { what: 'an empty text body', send: (call: request.Test) => call.set('Content-Type', 'text/plain').send('') },
  ])('accepts $what', async ({ send }) => {
    await send(unfreeze()).expect(200, { id: 'a-1' });

    expect(handled).toEqual(['unfreeze a-1']);
  });

  it('leaves a route with a body DTO to the validation pipe', async () => {
    await request(app.getHttpServer()).post('/accounts/a-1/freeze').send({ reason: 'fraud' }).expect(200, { id: 'a-1', reason: 'fraud' });
  });

  it('lets guards answer first, as they do before the validation of a declared body', async () => {
    await request(app.getHttpServer()).post('/locked').send({ force: true }).expect(403);

    expect(handled).toEqual([]);
  });
});

describe('UndeclaredBodyInterceptor outside HTTP', () => {
  it('leaves Kafka handlers alone: their payload is the message, checked against its contract', async () => {
    const context = { getType: () => 'rpc' } as unknown as ExecutionContext;
    const next: CallHandler = { handle: () => of('handled') };

    await expect(new Promise((resolve) => new UndeclaredBodyInterceptor().intercept(context, next).subscribe(resolve))).resolves.toBe(
      'handled',
    );
  });
});
