import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class FreezeAccountDto {
  /** Kept with the account and in the audit trail: why an administrator froze it. */
  @ApiProperty({ minLength: 1, maxLength: 500, example: 'Suspected fraud, case 4711', description: 'Why the account is frozen; kept in the audit trail.' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}
