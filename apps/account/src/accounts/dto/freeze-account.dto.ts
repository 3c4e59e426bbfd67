import { IsString, Length } from 'class-validator';

export class FreezeAccountDto {
  /** Kept with the account and in the audit trail: why an administrator froze it. */
  @IsString()
  @Length(1, 500)
  reason!: string;
}
