import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'gc:public';
export const REQUIRED_PERMISSION = 'gc:permission';
export const WITHOUT_TRANSACTION = 'gc:without-transaction';

/** Anyone may call this route, signed in or not. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The caller must hold this permission. On agency routes (`/agencies/:agencyCode/...`) it is
 * checked against the caller's roles in that agency (and, where the path has `:organizationId`,
 * in that organization); elsewhere against platform or self-service permissions.
 */
export const RequirePermission = (permission: string): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PERMISSION, permission);

/** The route touches no database (liveness): skip the per-request transaction. */
export const WithoutTransaction = (): MethodDecorator & ClassDecorator =>
  SetMetadata(WITHOUT_TRANSACTION, true);
