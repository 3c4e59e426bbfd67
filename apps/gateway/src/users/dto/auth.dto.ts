import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength, MinLength } from 'class-validator';
import type { Role } from '@bankshop/auth';

const trimmedLowerCase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class RegisterDto {
  @Transform(trimmedLowerCase)
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email!: string;

  /** At least 8 characters (API.md); at most 200, so hashing stays cheap to refuse. */
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  @MaxLength(200)
  password!: string;

  @IsString()
  @Length(1, 100)
  name!: string;
}

export class LoginDto {
  @Transform(trimmedLowerCase)
  @IsString()
  @MaxLength(254)
  email!: string;

  @IsString()
  @MaxLength(200)
  password!: string;
}

/** `User` of API.md. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  roles: Role[];
}

export interface AccessTokenView {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}
