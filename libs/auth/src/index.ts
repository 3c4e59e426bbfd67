export { AuthModule, type AuthModuleAsyncOptions } from './auth.module.ts';
export { AuthGuard } from './auth.guard.ts';
export { AUTH_OPTIONS, type AuthOptions } from './auth.options.ts';
export { ACCEPTED_ALGORITHMS, JwtVerifier, MAX_TOKEN_LENGTH, type JwtVerifierOptions } from './jwt-verifier.ts';
export { CurrentUser, Internal, Public, Roles } from './decorators.ts';
export { isAdmin, ROLES, type AuthenticatedUser, type Role } from './authenticated-user.ts';
