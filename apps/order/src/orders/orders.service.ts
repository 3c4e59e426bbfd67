import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ValidationFailedError, type Currency, type FieldError } from '@bankshop/contracts';
import { isAdmin, type AuthenticatedUser } from '@bankshop/auth';
import { Outbox } from '@bankshop/messaging';
import { Money } from '@bankshop/money';
import { decodeCursor, idempotentId, isUniqueViolation, toPage, type Page, type PageQuery } from '@bankshop/platform';
import { CartStore } from '../cart/cart.store.ts';
import { OrderConfig } from '../config/order.config.ts';
import { InventoryClient } from '../upstream/inventory.client.ts';
import { CheckoutSaga } from './domain/checkout-saga.ts';
import { Order, type OrderLine, type PaymentSource } from './domain/order.ts';
import { CurrencyMismatchError, OrderNotCancellableError, OrderNotFoundError, ProductNotFoundError } from './domain/order-errors.ts';
import type { PaymentSourceDto, PlaceOrderDto } from './dto/place-order.dto.ts';
import { toOrderView, type OrderView } from './dto/order.view.ts';
import { OrderRecord } from './persistence/order.record.ts';
import { SagaStore, type StoredCheckout } from './persistence/saga.store.ts';
import { CheckoutSagaRunner, orderEvents } from './saga/checkout-saga.runner.ts';

/** The most units of one product in one order, as in the cart. */
const MAX_QUANTITY = 1_000;

/** An answer, and whether the work behind it is finished (201/200) or still under way (202). */
export interface OrderAnswer {
  order: OrderView;
  finished: boolean;
}

/**
 * Orders as customers place, read and cancel them. Placing one writes the order and its saga in
 * one transaction, then lets the saga runner drive it; the request waits a few seconds for it to
 * come to rest and otherwise answers 202 with the order still PENDING.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SagaStore,
    private readonly runner: CheckoutSagaRunner,
    private readonly inventory: InventoryClient,
    private readonly cart: CartStore,
    private readonly outbox: Outbox,
    private readonly config: OrderConfig,
  ) {}

  /**
   * `POST /api/orders`. The order's id is derived from the idempotency key, so a request repeated
   * after a crash finds the order (and its saga, resumed by recovery) instead of placing another.
   */
  async place(user: AuthenticatedUser, command: PlaceOrderDto, idempotencyKey: string): Promise<OrderAnswer> {
    const orderId = idempotentId(user.id, idempotencyKey, 'order');
    const earlier = await this.store.checkoutOf(orderId);
    if (earlier) return this.awaitRest(earlier, this.config.ORDER_WAIT_MS);

    const paymentSource = toPaymentSource(command.payment);
    const fromCart = command.items === undefined;
    const wanted = merged(command.items ?? (await this.cart.lines(user.id)));
    if (wanted.length === 0) throw new ValidationFailedError([{ field: 'items', message: 'the cart is empty: name the items, or fill the cart first' }]);
    const { lines, currency } = await this.priced(wanted);

    const order = Order.place({
      id: orderId,
      userId: user.id,
      lines,
      currency,
      paymentSource,
      fromCart,
      createdAt: new Date(),
    });
    const saga = CheckoutSaga.start(randomUUID(), orderId);
    try {
      await this.store.create(order, saga, (manager) => this.outbox.append(manager, ...orderEvents(order, 'order.placed.v1', true)).then(() => undefined));
    } catch (error) {
      // The same key raced in again after its claim ran out (a crash): the first order stands.
      if (!isUniqueViolation(error)) throw error;
      return this.awaitRest((await this.store.checkoutOf(orderId))!, this.config.ORDER_WAIT_MS);
    }
    return this.awaitRest({ saga, order, updatedAt: order.snapshot().createdAt }, this.config.ORDER_WAIT_MS);
  }

  async get(user: AuthenticatedUser, orderId: string): Promise<OrderView> {
    const checkout = await this.visible(user, orderId);
    return toOrderView(checkout.order, checkout.saga, checkout.updatedAt);
  }

  /** Newest first: the customer's own orders, or everyone's for an administrator. */
  list(user: AuthenticatedUser, query: PageQuery): Promise<Page<OrderView>> {
    // Orders and their sagas from one snapshot, so a listing never pairs a status with older steps.
    return this.dataSource.transaction('REPEATABLE READ', (manager) => this.listIn(manager, user, query));
  }

  private async listIn(manager: EntityManager, user: AuthenticatedUser, query: PageQuery): Promise<Page<OrderView>> {
    const builder = manager
      .getRepository(OrderRecord)
      .createQueryBuilder('o')
      .orderBy('o.createdAt', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(query.limit + 1);
    if (!isAdmin(user)) builder.where('o.userId = :userId', { userId: user.id });
    if (query.cursor) {
      const position = decodeCursor(
        query.cursor,
        (value): value is { createdAt: string; id: string } =>
          typeof value.createdAt === 'string' && typeof value.id === 'string' && !Number.isNaN(Date.parse(value.createdAt)),
      );
      builder.andWhere('(o.createdAt, o.id) < (:createdAt, :id)', position);
    }
    const records = await builder.getMany();
    const sagas = await this.store.sagasOf(records.map((record) => record.id), manager);
    return toPage(
      records,
      query.limit,
      (record) => toOrderView(record.toDomain(), sagas.get(record.id)!, record.updatedAt),
      (record) => ({ createdAt: record.createdAt.toISOString(), id: record.id }),
    );
  }

  /**
   * `POST /api/orders/:id/cancel` of a confirmed order: its saga runs the compensations (refund,
   * restock) like a failed checkout, and the order ends CANCELLED.
   */
  async cancel(user: AuthenticatedUser, orderId: string): Promise<OrderAnswer> {
    const { saga, order } = await this.visible(user, orderId);
    if (saga.snapshot().state !== 'CONFIRMED') {
      throw new OrderNotCancellableError(order.snapshot().status, saga.snapshot().cancelRequested);
    }
    const cancelling = saga.cancel();
    const followed = order.follow(cancelling);
    if (!(await this.store.beginCancellation(cancelling, followed, async () => undefined))) {
      throw new OrderNotCancellableError(order.snapshot().status, true);
    }
    return this.awaitRest({ saga: cancelling.stored(), order: followed, updatedAt: new Date() }, this.config.ORDER_WAIT_MS);
  }

  /** Lets the runner drive the saga, and waits up to `waitMs` for it to come to rest. */
  private async awaitRest(checkout: StoredCheckout, waitMs: number): Promise<OrderAnswer> {
    if (!checkout.saga.isAtRest) {
      const timeout = new AbortController();
      await Promise.race([this.runner.drive(checkout.saga.id), sleep(waitMs, undefined, { signal: timeout.signal }).catch(() => undefined)]);
      timeout.abort();
    }
    const current = (await this.store.load(checkout.saga.id)) ?? checkout;
    return { order: toOrderView(current.order, current.saga, current.updatedAt), finished: current.saga.isAtRest };
  }

  /** The order and its saga if the user may see it: their own, or any for an administrator. */
  private async visible(user: AuthenticatedUser, orderId: string): Promise<StoredCheckout> {
    const checkout = await this.store.checkoutOf(orderId);
    if (!checkout || !(isAdmin(user) || checkout.order.snapshot().userId === user.id)) throw new OrderNotFoundError();
    return checkout;
  }

  /** Lines at today's catalogue prices (the reservation re-prices them when stock is taken), all in one currency. */
  private async priced(wanted: { productId: string; quantity: number }[]): Promise<{ lines: OrderLine[]; currency: Currency }> {
    const products = await Promise.all(wanted.map((line) => this.inventory.product(line.productId)));
    const lines = wanted.map((line, index) => {
      const product = products[index];
      if (!product) throw new ProductNotFoundError(line.productId);
      const unitPrice = Money.of(product.price);
      return { productId: product.id, sku: product.sku, name: product.name, unitPrice, quantity: line.quantity, lineTotal: unitPrice.times(line.quantity) };
    });
    const currencies = new Set(products.map((product) => product!.currency));
    if (currencies.size > 1) throw new CurrencyMismatchError();
    return { lines, currency: [...currencies][0]! };
  }
}

/** The same product named twice is one line with both quantities. */
function merged(items: { productId: string; quantity: number }[]): { productId: string; quantity: number }[] {
  const quantities = new Map<string, number>();
  for (const { productId, quantity } of items) quantities.set(productId.toLowerCase(), (quantities.get(productId.toLowerCase()) ?? 0) + quantity);
  const tooMany = [...quantities].filter(([, quantity]) => quantity > MAX_QUANTITY);
  if (tooMany.length > 0) {
    throw new ValidationFailedError(tooMany.map(([productId]) => ({ field: 'items', message: `at most ${MAX_QUANTITY} units of product ${productId}` })));
  }
  return [...quantities].map(([productId, quantity]) => ({ productId, quantity }));
}

function toPaymentSource(payment: PaymentSourceDto): PaymentSource {
  const problems: FieldError[] = [];
  if (payment.method === 'card' && payment.accountId !== undefined) problems.push({ field: 'payment.accountId', message: 'a card payment names no account' });
  if (payment.method === 'bank' && payment.token !== undefined) problems.push({ field: 'payment.token', message: 'a bank payment has no token' });
  if (problems.length > 0) throw new ValidationFailedError(problems);
  return payment.method === 'card' ? { method: 'card', token: payment.token! } : { method: 'bank', accountId: payment.accountId!.toLowerCase() };
}
