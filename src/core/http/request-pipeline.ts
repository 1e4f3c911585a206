import { INestApplication, Injectable, Optional, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import {
  APP_GUARD,
  APP_INTERCEPTOR,
  ApplicationConfig,
  DiscoveryService,
  MetadataScanner,
  ModulesContainer,
  Reflector,
} from '@nestjs/core';
import { ClsGuard, ClsInterceptor, ClsService, copyMethodMetadata } from 'nestjs-cls';
import { isObservable, lastValueFrom } from 'rxjs';
import { routeAccessOf } from '../access/access.decorators';
import { GrantCommonsStore } from '../context/request-context';
import { TenantTransaction } from '../context/tenant-transaction';
import { IDEMPOTENT_ROUTE, IdempotentResponses } from '../idempotency/idempotent-responses';
import { PageReply } from './page-reply';
import { refusalIn } from './validation';

type Handler = (...args: unknown[]) => unknown;

/**
 * Runs the handler, unless a pipe refused one of its arguments (validation runs in Nest's pipes,
 * before the transaction; its refusal is thrown here, after the access decision, see
 * RefusedInput). A handler's Observable counts by its last value, as Nest counts it.
 */
async function settled(handler: Handler, self: unknown, args: unknown[]): Promise<unknown> {
  const refusal = refusalIn(args);
  if (refusal !== undefined) throw refusal;
  const resolved: unknown = await handler.apply(self, args);
  return isObservable(resolved) ? lastValueFrom(resolved, { defaultValue: undefined }) : resolved;
}

/**
 * What runs around every route handler, as one promise chain: the request transaction (tenant
 * and access decision in its first statement), the Idempotency-Key claim on @Idempotent()
 * routes, then the handler. Nest calls the wrapped handler after its guards (authentication)
 * and pipes (validation); a refused input is answered where it always was, after the access
 * decision and the key claim (see RefusedInput), so an outsider still gets the agency's 404.
 *
 * Wrapped once at boot, per controller instance, with the handler's metadata copied (what
 * @Transactional() of @nestjs-cls/transactional does to a method), rather than as interceptors:
 * Nest runs interceptors through RxJS on every request (deferred Observables, AsyncResource
 * wrappers, a ReplaySubject, lastValueFrom), which was several percent of a small request's CPU
 * for what is a promise at heart. Routes therefore have no interceptors, and Nest awaits the
 * handler's promise as it does for any plain route (a client that goes away leaves the
 * transaction to finish or roll back as usual).
 */
@Injectable()
export class RequestPipeline {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly cls: ClsService<GrantCommonsStore>,
    private readonly transaction: TenantTransaction,
    @Optional() private readonly idempotency?: IdempotentResponses,
  ) {}

  /** Call before app.init(): Nest takes each route's handler from its controller at init. */
  wrapHandlers(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, Handler> | undefined;
      // A request-scoped controller would be built per request, unwrapped: refuse to boot.
      if (!instance || !wrapper.isDependencyTreeStatic() || !wrapper.metatype) {
        throw new Error(`${wrapper.name}: only singleton controllers run the request pipeline`);
      }
      const prototype = Object.getPrototypeOf(instance) as Record<string, Handler>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (Object.prototype.hasOwnProperty.call(instance, name)) {
          throw new Error(`${wrapper.name}.${name}: handler already wrapped`);
        }
        instance[name] = this.wrap(handler, wrapper.metatype as Type, name);
      }
    }
  }

  private wrap(handler: Handler, controller: Type, name: string): Handler {
    const route = routeAccessOf(this.reflector, handler, controller);
    return route.webPage
      ? sendingPages(this.wrapInTransaction(handler, controller, name), this.cls)
      : this.wrapInTransaction(handler, controller, name);
  }

  private wrapInTransaction(handler: Handler, controller: Type, name: string): Handler {
    const route = routeAccessOf(this.reflector, handler, controller);
    const idempotent =
      this.reflector.getAllAndOverride<boolean>(IDEMPOTENT_ROUTE, [handler, controller]) === true;
    if (route.withoutTransaction) {
      if (idempotent) throw new Error(`${controller.name}.${name}: idempotent needs a transaction`);
      return copied(handler, function (this: unknown, ...args: unknown[]) {
        return settled(handler, this, args);
      });
    }
    const idempotency = this.idempotency;
    if (idempotent && !idempotency) {
      throw new Error(
        `${controller.name}.${name} is @Idempotent() but IdempotencyModule is absent`,
      );
    }
    const { cls, transaction } = this;
    return copied(handler, function (this: unknown, ...args: unknown[]): Promise<unknown> {
      const store = cls.get();
      const { request, reply } = store ?? {};
      if (!request || !reply) throw new Error('A route ran outside its request context');
      const handle = () => settled(handler, this, args);
      const params = (request.params ?? {}) as Record<string, string>;
      return transaction.run(
        route,
        params,
        idempotency && idempotent ? () => idempotency.run(request, reply, handle) : handle,
      );
    });
  }
}

/** A page handler's PageReply is sent once the wrapped work (its transaction) has finished. */
function sendingPages(wrapped: Handler, cls: ClsService<GrantCommonsStore>): Handler {
  return copied(wrapped, async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const result = await wrapped.apply(this, args);
    const reply = cls.get('reply');
    if (!(result instanceof PageReply) || !reply) {
      throw new Error('A web page handler must return a PageReply');
    }
    result.sendTo(reply);
    return undefined;
  });
}

/** `wrapped` with everything Nest and Swagger read from `handler`: its metadata and name. */
function copied(handler: Handler, wrapped: Handler): Handler {
  Object.defineProperty(wrapped, 'name', { value: handler.name });
  copyMethodMetadata(handler, wrapped);
  return wrapped;
}

/**
 * nestjs-cls registers a global guard and a global interceptor even when neither is mounted (we
 * open the request context in a Fastify hook), and offers no option to leave them out:
 * pass-throughs that would still cost, per request, a guard call and a whole RxJS interceptor
 * layer. Called after NestFactory.create, before init (routes read the global enhancers when
 * they are registered), it takes out exactly those two instances; a mounted ClsGuard or
 * ClsInterceptor stays.
 */
export function dropClsPassThroughEnhancers(app: INestApplication): void {
  const passThrough = new Set<unknown>();
  for (const module of app.get(ModulesContainer).values()) {
    if (module.metatype?.name !== 'ClsRootModule') continue;
    for (const [token, wrapper] of module.providers) {
      if (typeof token !== 'string') continue;
      const instance: unknown = wrapper.instance;
      if (token.startsWith(APP_INTERCEPTOR) && !(instance instanceof ClsInterceptor))
        passThrough.add(instance);
      if (token.startsWith(APP_GUARD) && !(instance instanceof ClsGuard)) passThrough.add(instance);
    }
  }
  const config = app.get(ApplicationConfig);
  for (const list of [config.getGlobalInterceptors(), config.getGlobalGuards()] as unknown[][]) {
    for (let i = list.length - 1; i >= 0; i--) if (passThrough.has(list[i])) list.splice(i, 1);
  }
}
