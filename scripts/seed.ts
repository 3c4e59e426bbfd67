/**
 * `npm run seed`: demo data through the public API of a running system (natively after
 * `npm run dev`, or the `seed` job of docker-compose.yml):
 *
 *   - four customers, each with a EUR account holding 10 000.00;
 *   - the shop's catalogue: a dozen products in EUR, one of them nearly sold out (so the demo
 *     traffic meets OUT_OF_STOCK);
 *   - the merchant account bank payments are paid into. The payment service opens it itself, for
 *     its fixed merchant (MERCHANT_USER_ID), on the first bank payment; the seed makes that
 *     payment, Alice's first order paid by bank, and then shows the account.
 *
 * Running it again changes nothing: taken emails log in instead, existing accounts are reused,
 * taken SKUs are left as they are, and the opening deposits and the first order carry fixed
 * Idempotency-Keys, so they are replayed, not repeated.
 *
 * Environment: GATEWAY_URL (http://127.0.0.1:3000), DEMO_PASSWORD (demo-password),
 * ADMIN_EMAIL / ADMIN_PASSWORD (the gateway's demo administrator).
 */
import { GatewayClient, type Account, type NewProduct } from './tools/gateway-client.ts';

export const DEMO_PASSWORD = process.env.DEMO_PASSWORD || 'demo-password';
export const ADMIN = {
  email: process.env.ADMIN_EMAIL || 'admin@demo.local',
  password: process.env.ADMIN_PASSWORD || 'admin-demo-password',
};
export const CURRENCY = 'EUR';
const OPENING_DEPOSIT = '10000.00';

/** The payment service's default MERCHANT_USER_ID (apps/payment config): the owner of the merchant accounts. */
const MERCHANT_USER_ID = process.env.MERCHANT_USER_ID || '00000000-0000-4000-8000-00000000c0de';

export const DEMO_CUSTOMERS = [
  { email: 'alice@demo.local', name: 'Alice Adams' },
  { email: 'bob@demo.local', name: 'Bob Brown' },
  { email: 'carol@demo.local', name: 'Carol Chen' },
  { email: 'dave@demo.local', name: 'Dave Diaz' },
] as const;

/** The SKU whose stock is kept tiny, so that some checkouts run out of stock on purpose. */
export const SCARCE_SKU = 'PRINT-LTD-01';

export const CATALOGUE: NewProduct[] = [
  { sku: 'MUG-001', name: 'Enamel mug', description: 'Keeps coffee warm for exactly as long as it takes to drink it.', price: '12.50', currency: CURRENCY, stock: 500 },
  { sku: 'TEE-BLK-M', name: 'T-shirt, black, M', description: 'Organic cotton, printed with the ledger invariant.', price: '24.00', currency: CURRENCY, stock: 300 },
  { sku: 'TEE-WHT-L', name: 'T-shirt, white, L', description: 'Organic cotton, printed with the saga diagram.', price: '24.00', currency: CURRENCY, stock: 300 },
  { sku: 'HOOD-GRY-L', name: 'Hoodie, grey, L', price: '59.90', currency: CURRENCY, stock: 150 },
  { sku: 'CAP-NVY', name: 'Cap, navy', price: '18.00', currency: CURRENCY, stock: 200 },
  { sku: 'NOTE-A5', name: 'Notebook A5, dotted', description: '120 pages for whiteboard sketches that deserve to live.', price: '9.90', currency: CURRENCY, stock: 800 },
  { sku: 'PEN-STEEL', name: 'Steel pen', price: '15.00', currency: CURRENCY, stock: 400 },
  { sku: 'STICK-SET', name: 'Sticker set', description: 'Twelve stickers: Kafka, Postgres, Redis and friends.', price: '4.50', currency: CURRENCY, stock: 1000 },
  { sku: 'BOTTLE-750', name: 'Water bottle, 750 ml', price: '21.00', currency: CURRENCY, stock: 250 },
  { sku: 'TOTE-NAT', name: 'Tote bag, natural', price: '11.00', currency: CURRENCY, stock: 400 },
  { sku: 'BOOK-DDIA', name: 'Designing data systems (paperback)', price: '45.00', currency: CURRENCY, stock: 80 },
  { sku: SCARCE_SKU, name: 'Limited print, signed', description: 'Three of them, ever.', price: '120.00', currency: CURRENCY, stock: 3 },
];

export interface SeededUser {
  email: string;
  accountId: string;
  accountNumber: string;
  balance: string;
}

export interface Seeded {
  customers: SeededUser[];
  products: { added: number; present: number };
  merchantAccount: Account | undefined;
  firstOrder: { id: string; status: string; failureReason?: string } | undefined;
}

export async function seed(gateway: GatewayClient): Promise<Seeded> {
  await gateway.waitUntilUp();
  const customers: SeededUser[] = [];
  const tokens: string[] = [];
  for (const customer of DEMO_CUSTOMERS) {
    const token = await gateway.ensureUser({ ...customer, password: DEMO_PASSWORD });
    const account = await gateway.ensureAccount(token, CURRENCY);
    // The key is scoped to the user, so every customer's opening deposit has the same key.
    const deposit = await gateway.deposit(token, account.id, OPENING_DEPOSIT, 'seed-opening-deposit');
    if (deposit.status !== 201) throw new Error(`opening deposit for ${customer.email} answered ${deposit.status} ${deposit.code ?? ''}`);
    const balance = (deposit.body as { balance?: string }).balance ?? account.balance;
    customers.push({ email: customer.email, accountId: account.id, accountNumber: account.number, balance });
    tokens.push(token);
  }

  const adminToken = await gateway.login(ADMIN.email, ADMIN.password);
  const products = { added: 0, present: 0 };
  for (const product of CATALOGUE) products[await gateway.ensureProduct(adminToken, product)]++;

  // Alice's first order, paid by bank: the payment service opens the merchant account for it.
  const mug = (await gateway.products()).find((product) => product.sku === 'MUG-001');
  let firstOrder: Seeded['firstOrder'];
  if (mug && customers[0] && tokens[0]) {
    const { answer, order } = await gateway.checkout(tokens[0], [{ productId: mug.id, quantity: 1 }], { method: 'bank', accountId: customers[0].accountId }, 'seed-first-order');
    if (!order) throw new Error(`the first order answered ${answer.status} ${answer.code ?? ''}`);
    firstOrder = { id: order.id, status: order.status, ...(order.failureReason ? { failureReason: order.failureReason } : {}) };
  }
  return { customers, products, merchantAccount: await merchantAccount(gateway, adminToken), firstOrder };
}

/** The merchant's EUR account, found among all accounts (an administrator's view). */
async function merchantAccount(gateway: GatewayClient, adminToken: string): Promise<Account | undefined> {
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await gateway.call<{ items: (Account & { ownerId: string })[]; nextCursor: string | null }>('GET', `/api/admin/accounts?limit=100${query}`, { token: adminToken });
    if (page.status !== 200) throw new Error(`listing all accounts answered ${page.status} ${page.code ?? ''}`);
    const found = page.body.items.find((account) => account.ownerId === MERCHANT_USER_ID && account.currency === CURRENCY);
    if (found) return found;
    cursor = page.body.nextCursor;
  } while (cursor);
  return undefined;
}

const masked = (number: string) => `${number.slice(0, 4)}********${number.slice(-4)}`;

function report({ customers, products, merchantAccount, firstOrder }: Seeded): void {
  console.log(`Seeded ${customers.length} customers (password "${DEMO_PASSWORD}"; admin: ${ADMIN.email}):`);
  for (const user of customers) {
    // The balance after the opening deposit, as that request answered it (a replay answers the first one).
    console.log(`  ${user.email.padEnd(18)} account ${user.accountId}  ${masked(user.accountNumber)}  ${CURRENCY} ${user.balance}`);
  }
  console.log(`Catalogue: ${CATALOGUE.length} products (${products.added} added, ${products.present} already there)`);
  if (firstOrder) console.log(`First order (Alice, paid by bank): ${firstOrder.id} ${firstOrder.status}${firstOrder.failureReason ? ` (${firstOrder.failureReason})` : ''}`);
  if (merchantAccount) console.log(`Merchant account (bank payments land here): ${merchantAccount.id}  ${masked(merchantAccount.number)}  ${CURRENCY} ${merchantAccount.balance}`);
  else console.log('Merchant account: not opened yet (the payment service opens it on the first bank payment)');
}

if (import.meta.main) {
  const gateway = new GatewayClient(process.env.GATEWAY_URL || 'http://127.0.0.1:3000');
  try {
    const seeded = await seed(gateway);
    report(seeded);
    if (seeded.firstOrder?.status !== 'CONFIRMED' || !seeded.merchantAccount) process.exitCode = 1;
  } catch (error) {
    console.error(`seed failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
