import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { TenantApiKeys } from './api-keys';

export const TENANT_API_KEYS = Symbol('TENANT_API_KEYS');

interface TenantRequest {
  headers: Record<string, string | string[] | undefined>;
  tenantId?: string;
}

/**
 * Every tenant-scoped route: `Authorization: Bearer <api key>` (or `X-Api-Key`) → the tenant
 * the key belongs to, or 401. Handlers read it with `@Tenant()` and scope every query by it,
 * so one tenant's key never reaches another tenant's data.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(@Inject(TENANT_API_KEYS) private readonly keys: TenantApiKeys) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TenantRequest>();
    const authorization = header(request, 'authorization');
    const apiKey = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : header(request, 'x-api-key');
    if (!apiKey) throw new UnauthorizedException('an API key is required: Authorization: Bearer <key> or X-Api-Key');
    const tenantId = this.keys.tenantFor(apiKey);
    if (!tenantId) throw new UnauthorizedException('unknown API key');
    request.tenantId = tenantId;
    return true;
  }
}

function header(request: TenantRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The tenant the request's API key belongs to (set by TenantGuard). */
export const Tenant = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const tenantId = context.switchToHttp().getRequest<TenantRequest>().tenantId;
  if (!tenantId) throw new UnauthorizedException('no tenant: the route is missing TenantGuard');
  return tenantId;
});
