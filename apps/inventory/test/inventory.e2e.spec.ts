import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestService, TEST_INTERNAL_TOKEN, TestIdentityProvider, type ApiResponse, type TestService } from '@bankshop/testing';

/** What the internal routes answer: a reservation, or a problem document. */
interface InternalAnswer {
  id: string;
  status: string;
  code?: string;
  productId?: string;
  total?: string;
  currency?: string;
  items: { productId: string; unitPrice: string; quantity: number; lineTotal: string }[];
}

describe('inventory: the catalogue and stock reservations (real service, database, Redis)', () => {
  const identity = new TestIdentityProvider();
  let inventory: TestService;
  let api: ApiClient;
  let admin: string;
  let customer: string;

  beforeAll(async () => {
    await identity.start();
    inventory = await startTestService({ app: 'inventory', jwksUrl: identity.jwksUrl });
    api = ApiClient.direct({ inventory: inventory.url });
    admin = await identity.mint({ roles: ['admin'] });
    customer = await identity.mint({ roles: ['customer'] });
  });

  afterAll(async () => {
    await inventory?.stop();
    await identity.stop();
  });

  async function product(stock = 10, price = '12.50', currency = 'USD'): Promise<string> {
    const response = await api.post('/api/admin/products', {
      token: admin,
      body: { sku: `SKU-${randomUUID().slice(0, 8)}`, name: 'Enamel mug', price, currency, stock },
    });
    expect(response.status).toBe(201);
    return response.body.id;
  }

  function internal(method: 'GET' | 'POST', path: string, body?: unknown) {
    return fetch(`${inventory.url}${path}`, {
      method,
      headers: { 'x-internal-token': TEST_INTERNAL_TOKEN, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as InternalAnswer }));
  }

  const reserve = (items: { productId: string; quantity: number }[], key = randomUUID()) =>
    internal('POST', '/internal/reservations', { key, orderId: randomUUID(), items });

  describe('the catalogue', () => {
    it('lets an admin add a product that anyone can read, with money as a two-digit string', async () => {
      await product();
      const id = await product(7, '3.5');
      const read = await api.get(`/api/products/${id}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id, name: 'Enamel mug', price: '3.50', currency: 'USD', stock: 7, description: null });
      const page = await api.get('/api/products?limit=1');
      expect(page.body.items).toHaveLength(1);
      expect(page.body.nextCursor).toEqual(expect.any(String));
    });

    it('refuses a duplicate SKU with 409 SKU_TAKEN, bad fields with 400, and customers with 403', async () => {
      const body = { sku: `SKU-${randomUUID().slice(0, 8)}`, name: 'x', price: '1.00', currency: 'EUR', stock: 1 };
      expect((await api.post('/api/admin/products', { token: admin, body })).status).toBe(201);
      expect((await api.post('/api/admin/products', { token: admin, body })).body.code).toBe('SKU_TAKEN');
      const bad = await api.post('/api/admin/products', { token: admin, body: { ...body, sku: 'other', price: 1, stock: -1 } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['price', 'stock']);
      expect((await api.post('/api/admin/products', { token: customer, body })).status).toBe(403);
      expect((await api.post('/api/admin/products', { body })).status).toBe(401);
    });

    it('refuses null for any field of a change with 400 naming it, and changes nothing (a null price was a 500)', async () => {
      const body = { sku: `SKU-${randomUUID().slice(0, 8)}`, name: 'kept', description: 'kept too', price: '3.00', currency: 'EUR', stock: 4 };
      const created = await api.post('/api/admin/products', { token: admin, body });
      expect(created.status).toBe(201);
      for (const field of ['price', 'stock', 'name', 'description']) {
        const answer = await api.patch(`/api/admin/products/${created.body.id}`, { token: admin, body: { [field]: null } });
        expect(answer.status, `${field}: ${answer.text}`).toBe(400);
        expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED' });
        expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      }
      expect((await api.get(`/api/products/${created.body.id}`)).body).toMatchObject({ name: 'kept', description: 'kept too', price: '3.00', stock: 4 });
    });

    it('answers 404 for an unknown product and 400 for a malformed id', async () => {
      expect((await api.get(`/api/products/${randomUUID()}`)).status).toBe(404);
      expect((await api.get('/api/products/nope')).status).toBe(400);
    });

    it('never serves a cached product older than the last acknowledged change', async () => {
      const id = await product(5);
      for (let stock = 0; stock < 20; stock += 1) {
        await api.get(`/api/products/${id}`);
        const updated = await api.patch(`/api/admin/products/${id}`, { token: admin, body: { stock, price: `${stock + 1}.00` } });
        expect(updated.status).toBe(200);
        expect((await api.get(`/api/products/${id}`)).body).toMatchObject({ stock, price: `${stock + 1}.00` });
      }
    });

    it('answers a change that keeps losing its compare-and-set with 503 and Retry-After, never the internal CONCURRENT_UPDATE', async () => {
      // A service of its own that gives up after one attempt, so that concurrent changes do lose.
      const impatient = await startTestService({ app: 'inventory', jwksUrl: identity.jwksUrl, env: { OPTIMISTIC_MAX_ATTEMPTS: '1' } });
      try {
        const client = ApiClient.direct({ inventory: impatient.url });
        const created = await client.post('/api/admin/products', {
          token: admin,
          body: { sku: 'CONTENDED', name: 'Mug', price: '1.00', currency: 'USD', stock: 1 },
        });
        const answers: ApiResponse[] = [];
        // Bursts until one loses: which requests overlap is up to the scheduler.
        for (let burst = 0; burst < 10 && !answers.some((answer) => answer.status === 503); burst += 1) {
          answers.push(
            ...(await Promise.all(
              Array.from({ length: 20 }, (_, stock) => client.patch(`/api/admin/products/${created.body.id}`, { token: admin, body: { stock } })),
            )),
          );
        }
        const refused = answers.filter((answer) => answer.status !== 200);
        expect(refused.length).toBeGreaterThan(0);
        for (const answer of refused) {
          expect(answer.status, answer.text).toBe(503);
          expect(answer.body.code).toBe('UPSTREAM_UNAVAILABLE');
          expect(answer.headers['retry-after']).toBe('1');
        }
      } finally {
        await impatient.stop();
      }
      // It boots a service of its own: seconds on an idle machine, more on a shared one.
    }, 120_000);
  });

  describe('reservations', () => {
    it('reserves all lines at their current prices, idempotently by key, and takes the units off sale', async () => {
      const [mug, plate] = [await product(5, '12.50'), await product(3, '2.00')];
      const key = randomUUID();
      const first = await reserve([{ productId: mug, quantity: 2 }, { productId: plate, quantity: 3 }], key);
      const again = await reserve([{ productId: mug, quantity: 2 }, { productId: plate, quantity: 3 }], key);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ status: 'RESERVED', total: '31.00', currency: 'USD' });
      expect(first.body.items).toContainEqual(expect.objectContaining({ productId: mug, unitPrice: '12.50', quantity: 2, lineTotal: '25.00' }));
      expect(again.body.id).toBe(first.body.id);
      expect((await api.get(`/api/products/${mug}`)).body.stock).toBe(3);
      expect((await api.get(`/api/products/${plate}`)).body.stock).toBe(0);
    });

    it('reserves nothing when one line cannot be served: 422 OUT_OF_STOCK or PRODUCT_NOT_FOUND', async () => {
      const [mug, plate] = [await product(5), await product(1)];
      const short = await reserve([{ productId: mug, quantity: 2 }, { productId: plate, quantity: 2 }]);
      expect(short.status).toBe(422);
      expect(short.body).toMatchObject({ code: 'OUT_OF_STOCK', productId: plate });
      const unknown = await reserve([{ productId: mug, quantity: 1 }, { productId: randomUUID(), quantity: 1 }]);
      expect(unknown.body.code).toBe('PRODUCT_NOT_FOUND');
      expect((await api.get(`/api/products/${mug}`)).body.stock).toBe(5);
    });

    it('confirms once, releases (restocks) once, and refuses to confirm what was released', async () => {
      const mug = await product(4);
      const reservation = (await reserve([{ productId: mug, quantity: 3 }])).body;
      expect((await internal('POST', `/internal/reservations/${reservation.id}/confirm`)).body.status).toBe('CONFIRMED');
      expect((await internal('POST', `/internal/reservations/${reservation.id}/confirm`)).body.status).toBe('CONFIRMED');
      expect((await api.get(`/api/products/${mug}`)).body.stock).toBe(1);
      expect((await internal('POST', `/internal/reservations/${reservation.id}/release`)).body.status).toBe('RELEASED');
      expect((await internal('POST', `/internal/reservations/${reservation.id}/release`)).body.status).toBe('RELEASED');
      expect((await api.get(`/api/products/${mug}`)).body.stock).toBe(4);
      const late = await internal('POST', `/internal/reservations/${reservation.id}/confirm`);
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('RESERVATION_NOT_ACTIVE');
    });

    it('sells the last 10 units to exactly 10 of 100 concurrent buyers, never below zero', async () => {
      const mug = await product(10);
      const answers = await Promise.all(Array.from({ length: 100 }, () => reserve([{ productId: mug, quantity: 1 }])));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(10);
      const refusals = new Set(answers.filter((answer) => answer.status !== 201).map((answer) => answer.body.code));
      expect([...refusals].every((code) => code === 'OUT_OF_STOCK' || code === 'CONCURRENT_UPDATE')).toBe(true);
      const [row] = await inventory.query<{ stock: number }>(`SELECT stock FROM products WHERE id = $1`, [mug]);
      expect(row!.stock).toBe(0);
    });

    it('puts units back on sale when a reservation expires unconfirmed', async () => {
      // A service of its own, whose reservations live two seconds.
      const shortLived = await startTestService({
        app: 'inventory',
        jwksUrl: identity.jwksUrl,
        env: { RESERVATION_TTL_SECONDS: '2', RESERVATION_EXPIRY_INTERVAL_MS: '200' },
      });
      try {
        const client = ApiClient.direct({ inventory: shortLived.url });
        const created = await client.post('/api/admin/products', {
          token: admin,
          body: { sku: 'EXPIRING', name: 'Mug', price: '1.00', currency: 'USD', stock: 2 },
        });
        const reservation = await fetch(`${shortLived.url}/internal/reservations`, {
          method: 'POST',
          headers: { 'x-internal-token': TEST_INTERNAL_TOKEN, 'content-type': 'application/json' },
          body: JSON.stringify({ key: randomUUID(), orderId: randomUUID(), items: [{ productId: created.body.id, quantity: 2 }] }),
        }).then((response) => response.json() as Promise<{ id: string }>);
        expect((await client.get(`/api/products/${created.body.id}`)).body.stock).toBe(0);
        await expect
          .poll(async () => (await shortLived.query<{ status: string }>(`SELECT status FROM reservations WHERE id = $1`, [reservation.id]))[0]?.status, {
            timeout: 10_000,
          })
          .toBe('EXPIRED');
        expect((await client.get(`/api/products/${created.body.id}`)).body.stock).toBe(2);
      } finally {
        await shortLived.stop();
      }
      // It boots a service of its own: seconds on an idle machine, more on a shared one.
    }, 120_000);

    it('is internal only: no token, or a customer token, is 401', async () => {
      const response = await fetch(`${inventory.url}/internal/reservations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'k', orderId: randomUUID(), items: [] }),
      });
      expect(response.status).toBe(401);
    });
  });
});
