import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GenerationCache, REDIS } from '@bankshop/platform';
import { AccountConfig } from '../config/account.config.ts';
import type { AccountView } from '../accounts/dto/account.view.ts';

/**
 * Accounts as the read routes answer them, cached in two levels (this process, then Redis) and
 * never older than the last acknowledged change: see `GenerationCache` for how.
 */
@Injectable()
export class AccountCache extends GenerationCache<AccountView> {
  constructor(@Inject(REDIS) redis: Redis, config: AccountConfig) {
    super(redis, { name: 'account', ttlSeconds: config.ACCOUNT_CACHE_TTL_SECONDS });
  }
}
