import type { Currency } from '@bankshop/contracts';
import { IsCurrencyCode } from '@bankshop/platform';

export class OpenAccountDto {
  @IsCurrencyCode()
  currency!: Currency;
}
