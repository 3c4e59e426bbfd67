import { Controller, Get, Header } from '@nestjs/common';
import type { JWK } from 'jose';
import { Public } from '@bankshop/auth';
import { SigningKeys } from './signing-keys.ts';

/** The public keys every service verifies access tokens with. */
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): { keys: JWK[] } {
    return this.keys.jwks();
  }
}
