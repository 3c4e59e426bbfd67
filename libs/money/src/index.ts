export { CURRENCIES, isCurrency, type Currency } from './currency.ts';
export { InvalidMoneyError } from './invalid-money.error.ts';
export { Money } from './money.ts';
export { moneyTransformer } from './money.transformer.ts';
