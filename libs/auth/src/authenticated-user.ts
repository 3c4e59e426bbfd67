export const ROLES = ['customer', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified access token. */
export interface AuthenticatedUser {
  /** The user id (`sub`). */
  id: string;
  email: string | undefined;
  roles: Role[];
}

export function isAdmin(user: AuthenticatedUser): boolean {
  return user.roles.includes('admin');
}
