import { createPrivateKey, createPublicKey } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';
import { DataSource } from 'typeorm';
import type { Role } from '@bankshop/auth';
import { GatewayConfig } from '../config/gateway.config.ts';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface TokenSubject {
  id: string;
  email: string;
  roles: Role[];
}

/**
 * The keys that sign access tokens (RS256), and their public half as a JWKS. Services verify
 * tokens with the public keys only. A configured `JWT_PRIVATE_KEY` wins; otherwise a key pair is
 * generated on first start and kept in the database (under an advisory lock, so that replicas
 * starting together agree on one key). The key id is the key's JWK thumbprint.
 */
@Injectable()
export class SigningKeys implements OnModuleInit {
  private readonly logger = new Logger(SigningKeys.name);
  private current!: SigningKey;
  private published: JWK[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.current = this.config.JWT_PRIVATE_KEY ? await fromPem(this.config.JWT_PRIVATE_KEY) : await this.fromDatabase();
    this.published = [this.current.publicJwk];
    this.logger.log({ kid: this.current.kid }, 'signing access tokens');
  }

  /** `/.well-known/jwks.json`. */
  jwks(): { keys: JWK[] } {
    return { keys: this.published };
  }

  async sign(subject: TokenSubject): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = this.config.JWT_TTL_SECONDS;
    const token = await new SignJWT({ email: subject.email, roles: subject.roles })
      .setProtectedHeader({ alg: 'RS256', kid: this.current.kid, typ: 'JWT' })
      .setSubject(subject.id)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(this.current.privateKey);
    return { token, expiresIn };
  }

  private async fromDatabase(): Promise<SigningKey> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('bankshop.signing-keys'))`);
      const [stored] = (await manager.query(
        `SELECT private_key FROM signing_keys ORDER BY created_at DESC LIMIT 1`,
      )) as { private_key: string }[];
      if (stored) return fromPem(stored.private_key);

      const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
      const pem = await exportPKCS8(privateKey);
      const key = await fromPem(pem);
      await manager.query(`INSERT INTO signing_keys (kid, private_key, public_jwk) VALUES ($1, $2, $3)`, [
        key.kid,
        pem,
        JSON.stringify(key.publicJwk),
      ]);
      this.logger.warn('no JWT_PRIVATE_KEY configured: generated a signing key and stored it (fine for demos, not for production)');
      return key;
    });
  }
}

async function fromPem(pem: string): Promise<SigningKey> {
  const privateKey = await importPKCS8(pem, 'RS256');
  const publicJwk = await exportJWK(createPublicKey(createPrivateKey(pem)));
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' } };
}
