import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureApp } from '@bankshop/platform';

/**
 * An in-process Nest application with exactly the HTTP setup of production (`configureApp`):
 * for tests of one module through supertest without starting a process.
 */
export async function createTestApp(metadata: ModuleMetadata): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, bufferLogs: true });
  configureApp(app);
  await app.init();
  return app;
}
