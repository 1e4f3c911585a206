import { Injectable } from '@nestjs/common';
import { ClsService, ClsStore } from 'nestjs-cls';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EntityManager } from 'typeorm';
import { NoTenantContextError, UnauthenticatedError } from '../errors/domain-error';

/** Who is acting: a signed-in user (with the session the token belongs to), or the system (jobs). */
export interface Actor {
  kind: 'user' | 'system';
  userId?: string;
  sessionId?: string;
  email?: string;
  platformAdmin?: boolean;
  /** How the session's person authenticated (the token's `amr`): pwd, otp, recovery, oidc. */
  authMethods?: string[];
  /** When a second factor was last checked in this session, epoch seconds (the token's `sfa`). */
  secondFactorAt?: number;
}

/** The agency a request or job works in; set only from the path (or a job's payload). */
export interface Tenant {
  agencyId: string;
  agencyCode: string;
}

/** What the actor may do in the current agency, resolved once per request. */
export interface Access {
  agencyRoles: string[];
  /** Organization roles keyed by organization id, for organizations of this agency. */
  organizationRoles: Record<string, string[]>;
}

export interface GrantCommonsStore extends ClsStore {
  requestId?: string;
  ip?: string;
  actor?: Actor;
  tenant?: Tenant;
  access?: Access;
  /** The HTTP request and reply, for the request pipeline (absent in jobs). */
  request?: FastifyRequest;
  reply?: FastifyReply;
  /**
   * Inside ReadReplica.lagTolerant with a read pool: that read-only transaction's manager (a
   * function: the store's typed paths would otherwise walk all of EntityManager).
   */
  replica?: () => EntityManager;
}

/** Typed access to the per-request (or per-job) context carried in CLS. */
@Injectable()
export class RequestContext {
  constructor(private readonly cls: ClsService<GrantCommonsStore>) {}

  get requestId(): string | undefined {
    return this.cls.isActive() ? (this.cls.get('requestId') ?? this.cls.getId()) : undefined;
  }

  get ip(): string | undefined {
    return this.cls.isActive() ? this.cls.get('ip') : undefined;
  }

  get actor(): Actor | undefined {
    return this.cls.isActive() ? this.cls.get('actor') : undefined;
  }

  /** The signed-in user; throws when the caller is anonymous. */
  requireUser(): Actor & { userId: string } {
    const actor = this.actor;
    if (!actor?.userId) throw new UnauthenticatedError();
    return actor as Actor & { userId: string };
  }

  get tenant(): Tenant | undefined {
    return this.cls.isActive() ? this.cls.get('tenant') : undefined;
  }

  /** The current agency; throws when code touches tenant data outside a tenant context. */
  requireTenant(): Tenant {
    const tenant = this.tenant;
    if (!tenant) throw new NoTenantContextError();
    return tenant;
  }

  get agencyId(): string {
    return this.requireTenant().agencyId;
  }

  get access(): Access | undefined {
    return this.cls.isActive() ? this.cls.get('access') : undefined;
  }

  setActor(actor: Actor): void {
    this.cls.set('actor', actor);
  }

  setTenant(tenant: Tenant): void {
    this.cls.set('tenant', tenant);
  }

  setAccess(access: Access): void {
    this.cls.set('access', access);
  }

  setRequest(requestId: string, ip?: string): void {
    this.cls.set('requestId', requestId);
    this.cls.set('ip', ip);
  }
}
