import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Role } from '@bankshop/auth';

export interface TokenClaims {
  sub?: string;
  email?: string;
  roles?: Role[];
}

export const TEST_ISSUER = 'bankshop-gateway';
export const TEST_AUDIENCE = 'bankshop';

/**
 * Stands in for the gateway's token issuing in tests of a single service: an RS256 key pair, its
 * JWKS served over HTTP (services verify against it exactly as they would against the gateway),
 * and helpers that mint valid tokens and every kind of invalid one.
 */
export class TestIdentityProvider {
  private privateKey!: CryptoKey;
  private publicJwk!: JWK;
  private server: Server | undefined;
  /** The key id, as the gateway names its keys: the JWK thumbprint. */
  kid = '';
  /** The signing key as PKCS#8 PEM: give it to a gateway (`JWT_PRIVATE_KEY`) to issue the same tokens. */
  privateKeyPem = '';
  jwksUrl = '';

  async start(): Promise<this> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    this.privateKey = privateKey;
    this.privateKeyPem = await exportPKCS8(privateKey);
    const jwk = await exportJWK(publicKey);
    this.kid = await calculateJwkThumbprint(jwk);
    this.publicJwk = { ...jwk, kid: this.kid, alg: 'RS256', use: 'sig' };
    this.server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [this.publicJwk] }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.jwksUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The public key as a JWK (for attacks that misuse it, like HS256 with the public key). */
  get publicKey(): JWK {
    return this.publicJwk;
  }

  /** A valid access token, as the gateway would issue it. */
  async mint(claims: TokenClaims = {}, options: { expiresIn?: string | number; issuer?: string; audience?: string; kid?: string } = {}): Promise<string> {
    return new SignJWT({ email: claims.email, roles: claims.roles ?? ['customer'] })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? this.kid, typ: 'JWT' })
      .setSubject(claims.sub ?? randomUUID())
      .setIssuer(options.issuer ?? TEST_ISSUER)
      .setAudience(options.audience ?? TEST_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '15m')
      .sign(this.privateKey);
  }

  /** Signs an arbitrary payload with the real key (for tokens that lack required claims). */
  async signRaw(payload: Record<string, unknown>): Promise<string> {
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: this.kid }).sign(this.privateKey);
  }
}
