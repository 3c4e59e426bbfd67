import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '@bankshop/contracts';
import type { AuthenticatedUser, Role } from '@bankshop/auth';
import { auditEvent, Outbox } from '@bankshop/messaging';
import { isUniqueViolation } from '@bankshop/platform';
import { GatewayConfig } from '../config/gateway.config.ts';
import { SigningKeys } from '../tokens/signing-keys.ts';
import { DECOY_HASH_PROMISE, hashPassword, verifyPassword } from './domain/password.ts';
import { EmailTakenError, InvalidCredentialsError } from './domain/user-errors.ts';
import type { AccessTokenView, LoginDto, RegisterDto, UserView } from './dto/auth.dto.ts';
import { UserRecord } from './persistence/user.record.ts';

/** Users of the system: registration, login (access tokens), and the start-up administrator. */
@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly keys: SigningKeys,
    private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdministrator(this.config.ADMIN_EMAIL.toLowerCase(), this.config.ADMIN_PASSWORD);
  }

  async register(request: RegisterDto): Promise<UserView> {
    const user: UserRecord = Object.assign(new UserRecord(), {
      id: randomUUID(),
      email: request.email,
      name: request.name,
      passwordHash: await hashPassword(request.password),
      roles: ['customer'] satisfies Role[],
    });
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(UserRecord, user);
        await this.outbox.append(
          manager,
          auditEvent({
            actorId: user.id,
            action: 'user.registered',
            resourceType: 'user',
            resourceId: user.id,
            outcome: 'SUCCESS',
            data: { email: user.email },
          }),
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError();
      throw error;
    }
    return toView(user);
  }

  /**
   * Checks the password and issues an access token. An unknown email costs the same work as a
   * wrong password and gets the same answer, so neither timing nor wording reveals who has an
   * account. Failures are audited too.
   */
  async login(request: LoginDto): Promise<AccessTokenView> {
    const user = await this.dataSource.getRepository(UserRecord).findOneBy({ email: request.email });
    const valid = await verifyPassword(request.password, user?.passwordHash ?? (await DECOY_HASH_PROMISE));
    await this.audit(user?.id ?? null, valid && user ? 'SUCCESS' : 'FAILURE', { email: request.email });
    if (!valid || !user) throw new InvalidCredentialsError();
    const { token, expiresIn } = await this.keys.sign({ id: user.id, email: user.email, roles: user.roles });
    return { accessToken: token, tokenType: 'Bearer', expiresIn };
  }

  async me(caller: AuthenticatedUser): Promise<UserView> {
    const user = await this.dataSource.getRepository(UserRecord).findOneBy({ id: caller.id });
    if (!user) throw new NotFoundError('No such user.');
    return toView(user);
  }

  /** Creates the configured administrator, or brings its password and role in line with the config. */
  private async ensureAdministrator(email: string, password: string): Promise<void> {
    const repository = this.dataSource.getRepository(UserRecord);
    const existing = await repository.findOneBy({ email });
    if (!existing) {
      await repository
        .insert({ id: randomUUID(), email, name: 'Administrator', passwordHash: await hashPassword(password), roles: ['admin'] })
        .catch((error: unknown) => {
          if (!isUniqueViolation(error)) throw error;
        });
      this.logger.log({ email }, 'created the administrator');
    } else if (!existing.roles.includes('admin') || !(await verifyPassword(password, existing.passwordHash))) {
      await repository.update({ id: existing.id }, { roles: ['admin'], passwordHash: await hashPassword(password) });
      this.logger.log({ email }, 'updated the administrator from the configuration');
    }
  }

  private async audit(actorId: string | null, outcome: 'SUCCESS' | 'FAILURE', data: Record<string, unknown>): Promise<void> {
    await this.dataSource.transaction((manager) =>
      this.outbox.append(manager, auditEvent({ actorId, action: 'user.login', resourceType: 'user', resourceId: actorId, outcome, data })),
    );
  }
}

function toView(user: UserRecord): UserView {
  return { id: user.id, email: user.email, name: user.name, roles: user.roles };
}
