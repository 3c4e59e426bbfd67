import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SystemStack, type StackCustomer } from '@bankshop/testing';

const run = promisify(execFile);

/** Generated requests per operation and phase; with a fixed seed, every run sends the same ones. */
const EXAMPLES = '20';
const SEED = '20261124';

/**
 * "Nothing a user sends may crash a service": schemathesis reads the gateway's OpenAPI document
 * and sends every public operation requests built from its schemas, valid and broken alike
 * (wrong types, nulls, missing and extra fields, odd strings, huge numbers), as a customer and as
 * an administrator, through the gateway to the whole system. No answer may be a 5xx, and every
 * answer must have the content type the document promises (problem+json for errors).
 *
 * It first found `PATCH /api/admin/products/:id` with `"price": null` answering 500. The run is
 * deterministic (fixed seed, no coverage phase), so a failure here is one request to replay:
 * its curl command is in the output.
 */
describe('the public API under generated requests (schemathesis, through the gateway)', () => {
  let system: SystemStack;
  let schemathesis: string;
  let customer: StackCustomer;

  beforeAll(async () => {
    // Installed from PyPI into ~/.cache/bankshop/tools on first use (about 20 s), like the other tools.
    const installed = await run('bash', [`${REPO_ROOT}scripts/tools/ensure-tool.sh`, 'schemathesis'], { encoding: 'utf8' });
    schemathesis = installed.stdout.trim();
    system = await SystemStack.start({ services: ['account', 'risk', 'transaction', 'inventory', 'payment', 'order'], viaGateway: true });
    customer = await system.customer();
    await system.openAccount(customer, 'USD', '500.00');
  }, 300_000);

  afterAll(async () => {
    await system?.stop();
  });

  async function fuzz(token: string): Promise<{ passed: boolean; output: string }> {
    const gateway = system.service('gateway').url;
    const args = [
      'run',
      `${gateway}/api/openapi.json`,
      '--header',
      `Authorization: Bearer ${token}`,
      '--checks',
      'not_a_server_error,content_type_conformance',
      '--phases',
      'examples,fuzzing',
      '--max-examples',
      EXAMPLES,
      '--seed',
      SEED,
      '--generation-deterministic',
      '--workers',
      '2',
      '--request-timeout',
      '20',
      '--no-color',
    ];
    try {
      // Run outside the clone: schemathesis keeps a `.schemathesis` folder in its working directory.
      const { stdout } = await run(schemathesis, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd: tmpdir() });
      return { passed: true, output: stdout };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      return { passed: false, output: `${failed.stdout ?? ''}\n${failed.stderr ?? ''}` };
    }
  }

  it.each([
    ['a customer', () => customer.token],
    ['an administrator', () => system.adminToken],
  ])('answers every generated request from %s without a 5xx, in the documented content type', async (_who, token) => {
    const { passed, output } = await fuzz(token());

    // On a failure, the failing requests (each with its curl command) come first in the message.
    expect(passed, output.slice(Math.max(0, output.indexOf('FAILURES')), output.indexOf('FAILURES') + 20_000)).toBe(true);
    // It really ran: every operation, each with generated requests.
    expect(output).toMatch(/Tested: [3-9]\d/);
    expect(output).toMatch(/\d{3,} generated, \d{3,} passed/);
  }, 600_000);
});
