import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ReservationStatus = 'RESERVED' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';

export interface ReservedItem {
  productId: string;
  quantity: number;
}

/** A row of `reservations`: units taken off sale for one checkout until it confirms or releases them. */
@Entity('reservations')
export class ReservationRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ type: 'text' })
  status!: ReservationStatus;

  @Column({ type: 'jsonb' })
  items!: ReservedItem[];

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', insert: false })
  updatedAt!: Date;
}
