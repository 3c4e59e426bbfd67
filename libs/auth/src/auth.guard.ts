import { timingSafeEqual, createHash } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthenticatedError } from '@bankshop/contracts';
import type { AuthenticatedUser, Role } from './authenticated-user.ts';
import { INTERNAL_ROUTE, PUBLIC_ROUTE, REQUIRED_ROLES } from './decorators.ts';
import { JwtVerifier } from './jwt-verifier.ts';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options.ts';

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
}

/**
 * Installed globally, so a route is protected unless it says otherwise: `@Public()` routes are
 * open, `@Internal()` routes need the internal token, and every other route needs a valid bearer
 * token (and the roles named by `@Roles()`, if any).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly internalTokenDigest: Buffer;

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
    @Inject(AUTH_OPTIONS) options: AuthOptions,
  ) {
    this.internalTokenDigest = digest(options.internalApiToken);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<GuardedRequest>();

    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(INTERNAL_ROUTE, targets)) {
      this.checkInternalToken(request);
      return true;
    }

    request.user = await this.verifier.verify(bearerToken(request));
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required && !required.some((role) => request.user?.roles.includes(role))) {
      throw new ForbiddenError();
    }
    return true;
  }

  private checkInternalToken(request: GuardedRequest): void {
    const presented = request.headers['x-internal-token'];
    // Comparing fixed-size digests in constant time leaks neither the token nor its length.
    if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), this.internalTokenDigest)) {
      throw new UnauthenticatedError('This route is for internal callers only.');
    }
  }
}

function bearerToken(request: GuardedRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header) : null;
  if (!match?.[1]) throw new UnauthenticatedError();
  return match[1];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
