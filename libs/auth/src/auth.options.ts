import type { JwtVerifierOptions } from './jwt-verifier.ts';

export interface AuthOptions extends JwtVerifierOptions {
  /** Shared secret of `/internal/*` routes. */
  internalApiToken: string;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
