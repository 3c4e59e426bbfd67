import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Currency } from '@bankshop/contracts';
import { Money, moneyTransformer } from '@bankshop/money';

/** A row of `products`. `version` is compared-and-set on every stock change (optimistic locking). */
@Entity('products')
export class ProductRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  sku!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 2, transformer: moneyTransformer })
  price!: Money;

  @Column({ type: 'char', length: 3 })
  currency!: Currency;

  @Column({ type: 'integer' })
  stock!: number;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
