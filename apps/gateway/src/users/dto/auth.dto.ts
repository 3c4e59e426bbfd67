import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '@bankshop/auth';

const trimmedLowerCase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class RegisterDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com', description: 'Compared in lower case.' })
  @Transform(trimmedLowerCase)
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email!: string;

  /** At least 8 characters (API.md); at most 200, so hashing stays cheap to refuse. */
  @ApiProperty({ format: 'password', minLength: 8, maxLength: 200, example: 'correct horse battery' })
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  @MaxLength(200)
  password!: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 100)
  name!: string;
}

export class LoginDto {
  @ApiProperty({ maxLength: 254, example: 'ada@example.com' })
  @Transform(trimmedLowerCase)
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ format: 'password', maxLength: 200, example: 'correct horse battery' })
  @IsString()
  @MaxLength(200)
  password!: string;
}

/** `User` of API.md. */
@ApiSchema({ name: 'User' })
export class UserView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;

  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...ROLES] }, example: ['customer'] })
  roles!: Role[];
}

@ApiSchema({ name: 'AccessToken' })
export class AccessTokenView {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ type: 'integer', example: 900, description: 'Seconds until the token expires.' })
  expiresIn!: number;
}
