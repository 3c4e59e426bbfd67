import type { TestService } from '@bankshop/testing';

/** The shape of the seeded book: how many of each, and so how many ledger entries. */
export interface Book {
  accounts: number;
  transfers: number;
  /** One DEPOSIT per account and a debit and a credit per transfer. */
  ledgerEntries: number;
}

/** Every account opens with this much, far more than its transfers can take out. */
const OPENING_DEPOSIT = '1000000.00';
const OWNERS = 1_000;

/**
 * `ledgerEntries` entries: `accounts` DEPOSITs and two legs per transfer; an odd remainder goes to
 * one more account, so the count is exact.
 */
export function planBook(ledgerEntries: number, accounts: number): Book {
  if (ledgerEntries < 6) throw new Error('BENCH_LEDGER_ENTRIES must be at least 6');
  const opened = Math.max(2, Math.min(accounts, Math.floor(ledgerEntries / 2)));
  const transfers = Math.floor((ledgerEntries - opened) / 2);
  return { accounts: ledgerEntries - 2 * transfers, transfers, ledgerEntries };
}

/*
 * The book is generated in SQL (INSERT ... SELECT FROM generate_series), the same way in both
 * databases, so nothing is shipped through the driver. Ids are derived from the row number
 * (the md5 of a label, made a version 4 UUID): the two databases agree on them without talking to each other, and they are
 * as scattered as random UUIDs, so reading by id order costs what it costs in production.
 * Transfer i moves 1.00 to 9.99 from account i % A to a different account; the integers below are
 * the benchmark's own, never user input.
 */
/** A version 4 UUID from a label (the services validate ids as UUIDs, and their own are version 4). */
const uuidOf = (label: string) => `overlay(overlay(md5(${label}) placing '4' from 13) placing '8' from 17)::uuid`;
const accountId = (index: string) => uuidOf(`'bench-account-' || (${index})`);
const ownerId = (index: string) => uuidOf(`'bench-owner-' || ((${index}) % ${OWNERS})`);
const transferId = (index: string) => uuidOf(`'bench-transfer-' || (${index})`);
const fromIndex = (book: Book, i: string) => `((${i}) % ${book.accounts})`;
const toIndex = (book: Book, i: string) => `(((${i}) + 1 + ((${i}) / ${book.accounts}) % ${book.accounts - 1}) % ${book.accounts})`;
const amount = (i: string) => `((100 + (${i})::bigint * 7919 % 900) / 100.0)::numeric(20, 2)`;
/**
 * When each entry was written: one millisecond apart, ending well before the run (reconciliation
 * only looks at what was settled before it started).
 */
const writtenAt = (order: string) => `(timestamptz '2026-01-01 00:00:00+00' + (${order}) * interval '1 millisecond')`;

/**
 * The account side: the accounts (numbered by the service's own sequence, with their Luhn
 * digit), one DEPOSIT each, then a TRANSFER_DEBIT and a TRANSFER_CREDIT per transfer with the
 * running balance as `balance_after`; finally each balance set to the sum of its ledger, so the
 * book is CLEAN. Holds are not seeded: reconciliation does not read them.
 */
export async function seedAccountBook(account: TestService, book: Book): Promise<void> {
  const numbers = await account.query<{ value: string }>(`SELECT nextval('account_number_seq')::text AS value FROM generate_series(1, $1)`, [
    book.accounts,
  ]);
  await account.query(
    `INSERT INTO accounts (id, number, owner_id, currency, balance, held, status, version, created_at, updated_at)
     SELECT ${accountId('n - 1')}, number, ${ownerId('n - 1')}, 'USD', 0, 0, 'ACTIVE', 1, ${writtenAt('n - 1')}, ${writtenAt('n - 1')}
       FROM unnest($1::text[]) WITH ORDINALITY AS given (number, n)`,
    [numbers.map((row) => withCheckDigit(row.value))],
  );
  // `ordinal` orders every entry: the deposits first, then each transfer's debit and credit.
  await account.query(`
    WITH entries AS (
      SELECT a AS ordinal, a AS account, 'DEPOSIT' AS type, ${OPENING_DEPOSIT}::numeric(20, 2) AS amount, NULL::uuid AS transfer_id
        FROM generate_series(0, ${book.accounts - 1}) AS a
      UNION ALL
      SELECT ${book.accounts} + 2 * i + leg, CASE leg WHEN 0 THEN ${fromIndex(book, 'i')} ELSE ${toIndex(book, 'i')} END,
             CASE leg WHEN 0 THEN 'TRANSFER_DEBIT' ELSE 'TRANSFER_CREDIT' END,
             CASE leg WHEN 0 THEN -${amount('i')} ELSE ${amount('i')} END, ${transferId('i')}
        FROM generate_series(0, ${book.transfers - 1}) AS i CROSS JOIN (VALUES (0), (1)) AS legs (leg)
    )
    INSERT INTO ledger_entries (id, account_id, type, amount, balance_after, transfer_id, created_at)
    SELECT ${uuidOf(`'bench-entry-' || ordinal`)}, ${accountId('account')}, type, amount,
           sum(amount) OVER (PARTITION BY account ORDER BY ordinal), transfer_id, ${writtenAt('ordinal')}
      FROM entries
     ORDER BY ordinal`);
  await account.query(`
    UPDATE accounts SET balance = ledger.total, updated_at = ledger.last_at
      FROM (SELECT account_id, sum(amount) AS total, max(created_at) AS last_at FROM ledger_entries GROUP BY account_id) AS ledger
     WHERE accounts.id = ledger.account_id`);
}

/**
 * The transaction side: one COMPLETED transfer (step DONE, risk approved) per pair of legs, with
 * the same ids, accounts and amounts, finished when its credit was written.
 */
export async function seedTransfers(transaction: TestService, book: Book): Promise<void> {
  await transaction.query(`
    INSERT INTO transfers (id, initiated_by, from_account_id, to_account_id, from_owner_id, to_owner_id, amount, currency,
                           lock_mode, status, step, hold_id, risk_decision, risk_score, risk_reasons, version,
                           lease_until, created_at, updated_at, completed_at)
    SELECT ${transferId('i')}, ${ownerId(fromIndex(book, 'i'))}, ${accountId(fromIndex(book, 'i'))}, ${accountId(toIndex(book, 'i'))},
           ${ownerId(fromIndex(book, 'i'))}, ${ownerId(toIndex(book, 'i'))}, ${amount('i')}, 'USD',
           CASE WHEN i % 2 = 0 THEN 'pessimistic' ELSE 'optimistic' END, 'COMPLETED', 'DONE', ${uuidOf(`'bench-hold-' || i`)},
           'APPROVE', 0.10, '[]'::jsonb, 5,
           ${writtenAt(`${book.accounts} + 2 * i`)} + interval '30 seconds',
           ${writtenAt(`${book.accounts} + 2 * i`)} - interval '5 milliseconds',
           ${writtenAt(`${book.accounts} + 2 * i + 1`)}, ${writtenAt(`${book.accounts} + 2 * i + 1`)}
      FROM generate_series(0, ${book.transfers - 1}) AS i`);
}

/** The account service's numbering: 15 digits from its sequence and a Luhn check digit. */
function withCheckDigit(body: string): string {
  let sum = 0;
  for (let index = 0; index < body.length; index += 1) {
    const digit = Number(body[body.length - 1 - index]) * (index % 2 === 0 ? 2 : 1);
    sum += digit > 9 ? digit - 9 : digit;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** The seeded transfer `i`, as the corruption step needs it. */
export async function seededTransfer(account: TestService, book: Book, i: number): Promise<{ id: string; from: string; to: string }> {
  const [row] = await account.query<{ id: string; from: string; to: string }>(
    `SELECT ${transferId('$1::int')} AS id, ${accountId(fromIndex(book, '$1::int'))} AS "from", ${accountId(toIndex(book, '$1::int'))} AS "to"`,
    [i],
  );
  return row!;
}

/** The seeded account `index`. */
export async function seededAccount(account: TestService, index: number): Promise<string> {
  const [row] = await account.query<{ id: string }>(`SELECT ${accountId('$1::int')} AS id`, [index]);
  return row!.id;
}
