import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser, Role } from './authenticated-user.ts';

export const PUBLIC_ROUTE = 'bankshop:public';
export const INTERNAL_ROUTE = 'bankshop:internal';
export const REQUIRED_ROLES = 'bankshop:roles';

/** Anyone may call this route (health, the product catalogue, login). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Only other services may call this route: `/internal/*`, authenticated by the shared
 * `INTERNAL_API_TOKEN` in the `X-Internal-Token` header. The gateway never routes these.
 */
export const Internal = () => SetMetadata(INTERNAL_ROUTE, true);

/** The caller needs one of these roles; everyone else gets 403. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The verified caller of this request. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedUser => {
  const request = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>();
  if (!request.user) {
    // Only reachable if a public or internal route asks for a user: a programming error.
    throw new Error('@CurrentUser() used on a route without an authenticated user');
  }
  return request.user;
});
