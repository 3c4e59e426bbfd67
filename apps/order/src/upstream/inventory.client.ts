import { Injectable } from '@nestjs/common';
import type { Currency, ReservationView, ReserveStockRequest } from '@bankshop/contracts';
import { bodyOrRefusal, UpstreamClient } from '@bankshop/resilience';
import { OrderConfig } from '../config/order.config.ts';

/** A product as the public catalogue answers it. */
export interface CatalogueProduct {
  id: string;
  sku: string;
  name: string;
  price: string;
  currency: Currency;
  stock: number;
}

/**
 * The inventory service: the public catalogue (prices, for carts and new orders) and the internal
 * reservation API of the checkout saga. Reservation calls are idempotent (by key or by id), so
 * they are retried on timeouts and outages.
 */
@Injectable()
export class InventoryClient {
  private readonly upstream: UpstreamClient;
  private readonly headers: Record<string, string>;

  constructor(config: OrderConfig) {
    this.upstream = new UpstreamClient({ name: 'inventory', baseUrl: config.INVENTORY_SERVICE_URL, timeoutMs: config.UPSTREAM_TIMEOUT_MS });
    this.headers = { 'x-internal-token': config.INTERNAL_API_TOKEN };
  }

  /** The product, or null if there is none with this id. */
  async product(id: string): Promise<CatalogueProduct | null> {
    const response = await this.upstream.request<CatalogueProduct>({ method: 'GET', path: `/api/products/${id}` });
    if (response.status === 404) return null;
    return bodyOrRefusal('inventory', response);
  }

  /** RESERVE_STOCK: all lines or none. Reserving again with the same key answers the same reservation. */
  async reserve(request: ReserveStockRequest): Promise<ReservationView> {
    return bodyOrRefusal('inventory',
      await this.upstream.request<ReservationView>({
        method: 'POST',
        path: '/internal/reservations',
        body: request,
        headers: this.headers,
        idempotent: true,
      }),
    );
  }

  /** The reservation made with `key`, or null if none was (a saga that crashed before knowing). */
  async reservationByKey(key: string): Promise<ReservationView | null> {
    const response = await this.upstream.request<ReservationView>({
      method: 'GET',
      path: `/internal/reservations?key=${encodeURIComponent(key)}`,
      headers: this.headers,
    });
    if (response.status === 404) return null;
    return bodyOrRefusal('inventory', response);
  }

  /** CONFIRM_STOCK: the reserved units are sold. */
  async confirm(reservationId: string): Promise<ReservationView> {
    return this.post(`/internal/reservations/${reservationId}/confirm`);
  }

  /** RELEASE_STOCK: the units go back on sale (also those of a confirmed reservation: a restock). */
  async release(reservationId: string): Promise<ReservationView> {
    return this.post(`/internal/reservations/${reservationId}/release`);
  }

  private async post(path: string): Promise<ReservationView> {
    return bodyOrRefusal('inventory', await this.upstream.request<ReservationView>({ method: 'POST', path, headers: this.headers, idempotent: true }));
  }
}
