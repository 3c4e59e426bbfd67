import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '@bankshop/auth';

/** A row of `users`. The password is only ever stored as a salted scrypt hash. */
@Entity('users')
export class UserRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text', array: true })
  roles!: Role[];

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;
}
