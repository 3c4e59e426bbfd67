import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, KafkaProbe } from '@bankshop/testing';
import { decodeJwt, expectProblem, GatewayWithAccount, NO_RATE_LIMITS } from './support.ts';

const ADMIN_EMAIL = 'chief.admin@bank.test';
const ADMIN_PASSWORD = 'a-long-admin-password-42';

/** API.md "Auth", end to end: a real gateway issuing real tokens, used on a real account service. */
describe('register, log in and use the token (real gateway, real account service)', () => {
  const audit = new KafkaProbe();
  const stack = new GatewayWithAccount();
  let api: ApiClient;

  beforeAll(async () => {
    await Promise.all([stack.start({ env: { ADMIN_EMAIL, ADMIN_PASSWORD, ...NO_RATE_LIMITS } }), audit.start(['audit.events'])]);
    api = ApiClient.gateway(stack.gatewayUrl);
  });

  afterAll(async () => {
    await audit.stop();
    await stack.stop();
  });

  function uniqueEmail(): string {
    return `user-${randomUUID()}@example.test`;
  }

  async function registered(): Promise<{ id: string; email: string; password: string }> {
    const email = uniqueEmail();
    const password = `pw-${randomUUID()}`;
    const response = await api.post('/api/auth/register', { body: { email, password, name: 'Grace Hopper' } });
    expect(response.status).toBe(201);
    return { id: response.body.id as string, email, password };
  }

  async function loggedIn(email: string, password: string): Promise<string> {
    const response = await api.post('/api/auth/login', { body: { email, password } });
    expect(response.status).toBe(200);
    return response.body.accessToken as string;
  }

  describe('POST /api/auth/register', () => {
    it('answers 201 with the User: id, the email normalised, name and the customer role, and nothing secret', async () => {
      const local = `Ada.${randomUUID()}`;
      const password = 'analytical-engine-1843';

      const response = await api.post('/api/auth/register', {
        body: { email: `  ${local}@Example.TEST `, password, name: 'Ada Lovelace' },
      });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        email: `${local.toLowerCase()}@example.test`,
        name: 'Ada Lovelace',
        roles: ['customer'],
      });
      expect(response.text).not.toContain(password);
      expect(response.text).not.toMatch(/password|hash|scrypt|salt/i);
    });

    it('refuses the same email again, whatever its case and surrounding whitespace, with 409 EMAIL_TAKEN', async () => {
      const email = uniqueEmail();
      expect((await api.post('/api/auth/register', { body: { email, password: 'first-password', name: 'First' } })).status).toBe(201);

      const again = await api.post('/api/auth/register', {
        body: { email: ` ${email.toUpperCase()}  `, password: 'second-password', name: 'Second' },
      });

      expectProblem(again, 409, 'EMAIL_TAKEN');
    });

    it('refuses a password of 7 characters with a 400 that names the password field', async () => {
      const response = await api.post('/api/auth/register', { body: { email: uniqueEmail(), password: 'seven77', name: 'Short' } });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
    });

    it.each(['not-an-email', 'missing-at.example.test', '@example.test', 'someone@'])('refuses the email %j with a 400 that names the email field', async (email) => {
      const response = await api.post('/api/auth/register', { body: { email, password: 'long-enough-password', name: 'Nobody' } });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'email' })]));
    });

    it('refuses an unknown field (here a self-granted role) with a 400, and creates no user', async () => {
      const email = uniqueEmail();

      const response = await api.post('/api/auth/register', {
        body: { email, password: 'long-enough-password', name: 'Mallory', roles: ['admin'] },
      });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'roles' })]));
      expectProblem(await api.post('/api/auth/login', { body: { email, password: 'long-enough-password' } }), 401, 'INVALID_CREDENTIALS');
    });
  });

  describe('POST /api/auth/login', () => {
    it('answers 200 with an RS256 Bearer token for the user, and its lifetime in seconds', async () => {
      const user = await registered();

      const response = await api.post('/api/auth/login', { body: { email: ` ${user.email.toUpperCase()}`, password: user.password } });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
      const { header, payload } = decodeJwt(response.body.accessToken);
      expect(header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
      expect(payload).toMatchObject({ sub: user.id, email: user.email, roles: ['customer'], iss: 'bankshop-gateway', aud: 'bankshop' });
      expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    });

    it('gives a token that GET /api/auth/me accepts, answering the User', async () => {
      const user = await registered();
      const token = await loggedIn(user.email, user.password);

      const me = await api.get('/api/auth/me', { token });

      expect(me.status).toBe(200);
      expect(me.body).toEqual({ id: user.id, email: user.email, name: 'Grace Hopper', roles: ['customer'] });
    });

    it('gives a token that a real service accepts through the gateway: the user opens and lists an account of their own', async () => {
      const user = await registered();
      const token = await loggedIn(user.email, user.password);

      const opened = await api.post('/api/accounts', { token, body: { currency: 'EUR' } });
      const listed = await api.get('/api/accounts', { token });

      expect(opened.status).toBe(201);
      expect(opened.body).toMatchObject({ ownerId: user.id, currency: 'EUR', balance: '0.00', status: 'ACTIVE' });
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([opened.body.id]);
    });

    it('answers a wrong password and an unknown email with the same 401 INVALID_CREDENTIALS, apart from the trace id', async () => {
      const user = await registered();

      const wrongPassword = await api.post('/api/auth/login', { body: { email: user.email, password: `${user.password}x` } });
      const unknownEmail = await api.post('/api/auth/login', { body: { email: uniqueEmail(), password: user.password } });

      expectProblem(wrongPassword, 401, 'INVALID_CREDENTIALS');
      expectProblem(unknownEmail, 401, 'INVALID_CREDENTIALS');
      const { traceId: _first, ...wrongPasswordBody } = wrongPassword.body;
      const { traceId: _second, ...unknownEmailBody } = unknownEmail.body;
      expect(wrongPasswordBody).toEqual(unknownEmailBody);
      expect(wrongPassword.text).not.toContain(user.password);
    });

    it('logs in the administrator configured by ADMIN_EMAIL and ADMIN_PASSWORD, with the admin role, and lets them on an admin route', async () => {
      const token = await loggedIn(ADMIN_EMAIL, ADMIN_PASSWORD);

      const me = await api.get('/api/auth/me', { token });
      const allAccounts = await api.get('/api/admin/accounts', { token });

      expect(me.body).toMatchObject({ email: ADMIN_EMAIL, roles: ['admin'] });
      expect(decodeJwt(token).payload.roles).toEqual(['admin']);
      expect(allAccounts.status).toBe(200);
      expect(allAccounts.body).toMatchObject({ items: expect.any(Array) });
    });

    it('forbids a customer an admin route of a real service through the gateway: 403 FORBIDDEN', async () => {
      const user = await registered();
      const token = await loggedIn(user.email, user.password);

      expectProblem(await api.get('/api/admin/accounts', { token }), 403, 'FORBIDDEN');
    });
  });

  describe('audit records on audit.events', () => {
    type AuditMessage = { type: string; payload: { action: string; outcome: string; actorId: string | null; resourceType: string; data: { email?: string } } };

    function audited(email: string, action: string, outcome: string): AuditMessage[] {
      return audit.messages
        .map((message) => message.value as AuditMessage)
        .filter((value) => value?.type === 'audit.recorded.v1' && value.payload?.data?.email === email)
        .filter((value) => value.payload.action === action && value.payload.outcome === outcome);
    }

    it('records user.registered, and user.login with SUCCESS and FAILURE, never with the password', async () => {
      const user = await registered();
      await loggedIn(user.email, user.password);
      expect((await api.post('/api/auth/login', { body: { email: user.email, password: 'wrong-password-1' } })).status).toBe(401);
      const stranger = uniqueEmail();
      expect((await api.post('/api/auth/login', { body: { email: stranger, password: 'wrong-password-2' } })).status).toBe(401);

      await audit.waitFor(
        () =>
          audited(user.email, 'user.registered', 'SUCCESS').length > 0 &&
          audited(user.email, 'user.login', 'SUCCESS').length > 0 &&
          audited(user.email, 'user.login', 'FAILURE').length > 0 &&
          audited(stranger, 'user.login', 'FAILURE').length > 0,
      );

      expect(audited(user.email, 'user.registered', 'SUCCESS')).toEqual([
        expect.objectContaining({ payload: expect.objectContaining({ actorId: user.id, resourceType: 'user' }) }),
      ]);
      expect(audited(user.email, 'user.login', 'SUCCESS')).toEqual([expect.objectContaining({ payload: expect.objectContaining({ actorId: user.id }) })]);
      expect(audited(user.email, 'user.login', 'FAILURE')).toEqual([expect.objectContaining({ payload: expect.objectContaining({ actorId: user.id }) })]);
      expect(audited(stranger, 'user.login', 'FAILURE')).toEqual([expect.objectContaining({ payload: expect.objectContaining({ actorId: null }) })]);
      const everything = JSON.stringify(audit.messages.filter((message) => JSON.stringify(message.value).includes(user.email)));
      expect(everything).not.toContain(user.password);
      expect(everything).not.toContain('wrong-password-1');
      expect(JSON.stringify(audited(stranger, 'user.login', 'FAILURE'))).not.toContain('wrong-password-2');
    });
  });

  describe('GET /.well-known/jwks.json', () => {
    it('publishes one RS256 public key whose kid is the kid of issued tokens, with no private parts', async () => {
      const user = await registered();
      const token = await loggedIn(user.email, user.password);

      const response = await api.get('/.well-known/jwks.json');

      expect(response.status).toBe(200);
      expect(response.body.keys).toHaveLength(1);
      const [key] = response.body.keys;
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', kid: decodeJwt(token).header.kid, n: expect.any(String), e: 'AQAB' });
      for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(privatePart);
    });
  });
});
