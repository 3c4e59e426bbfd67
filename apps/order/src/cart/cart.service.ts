import { Injectable } from '@nestjs/common';
import type { Currency } from '@bankshop/contracts';
import { Money } from '@bankshop/money';
import { NotFoundError, ValidationFailedError } from '@bankshop/contracts';
import { CurrencyMismatchError } from '../orders/domain/order-errors.ts';
import { InventoryClient, type CatalogueProduct } from '../upstream/inventory.client.ts';
import { CartStore } from './cart.store.ts';
import type { CartView } from './dto/cart.dto.ts';

/** At most this many different products in one cart (and one order). */
export const MAX_LINES = 50;

/** The customer's cart: lines in Redis, priced from the catalogue whenever it is read. */
@Injectable()
export class CartService {
  constructor(
    private readonly store: CartStore,
    private readonly inventory: InventoryClient,
  ) {}

  async get(userId: string): Promise<CartView> {
    const lines = await this.store.lines(userId);
    const products = await Promise.all(lines.map((line) => this.inventory.product(line.productId)));
    // A product removed from the catalogue since drops out of the cart.
    const priced = lines.flatMap((line, index) => (products[index] ? [{ line, product: products[index] }] : []));
    return {
      items: priced.map(({ line }) => line),
      total: Money.sum(priced.map(({ line, product }) => Money.of(product.price).times(line.quantity))).toString(),
      currency: (priced[0]?.product.currency ?? null) as Currency | null,
    };
  }

  /** Sets how many of a product the cart holds; 0 removes it. */
  async set(userId: string, productId: string, quantity: number): Promise<CartView> {
    if (quantity > 0) {
      const product = await this.inventory.product(productId);
      // An unknown id in a path is a 404 (API.md), as `GET /api/products/:id` answers it; an
      // unknown product in an order's body is the 422 PRODUCT_NOT_FOUND.
      if (!product) throw new NotFoundError('No such product.');
      const lines = await this.store.lines(userId);
      const others = lines.filter((line) => line.productId !== productId);
      if (others.length >= MAX_LINES) {
        throw new ValidationFailedError([{ field: 'productId', message: `a cart holds at most ${MAX_LINES} different products` }]);
      }
      await this.expectSameCurrency(product, others);
    }
    await this.store.set(userId, productId, quantity);
    return this.get(userId);
  }

  async clear(userId: string): Promise<void> {
    await this.store.clear(userId);
  }

  private async expectSameCurrency(product: CatalogueProduct, others: { productId: string }[]): Promise<void> {
    const [first] = others;
    if (!first) return;
    const other = await this.inventory.product(first.productId);
    if (other && other.currency !== product.currency) throw new CurrencyMismatchError();
  }
}
