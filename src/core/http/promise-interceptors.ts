import { ExecutionContext, INestApplication, NestInterceptor, Type } from '@nestjs/common';
import { SSE_METADATA } from '@nestjs/common/constants';
import { APP_GUARD, APP_INTERCEPTOR, ApplicationConfig, ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { InterceptorsConsumer } from '@nestjs/core/interceptors/interceptors-consumer';
import { ClsGuard, ClsInterceptor } from 'nestjs-cls';
import { isObservable, lastValueFrom } from 'rxjs';

/**
 * An interceptor that can also run as a plain async wrapper around the route handler: `next`
 * runs the handler and resolves to what it returned.
 */
export interface AroundInterceptor extends NestInterceptor {
  around(context: ExecutionContext, next: () => Promise<unknown>): Promise<unknown>;
}

const isAround = (interceptor: NestInterceptor): interceptor is AroundInterceptor =>
  typeof (interceptor as Partial<AroundInterceptor>).around === 'function';

type Intercept = InterceptorsConsumer['intercept'];
let installed = false;

/**
 * Nest runs every interceptor through RxJS: per request and interceptor, deferred Observables,
 * two AsyncResource.bind wrappers (deprecation-wrapped on Node 20), then, because the result is
 * an Observable, a takeUntil on the client's disconnect, a ReplaySubject and lastValueFrom. On
 * the application GET that was several percent of the API's CPU, for a single interceptor (the
 * request transaction) that is a promise at heart.
 *
 * When every interceptor of an HTTP route implements `around` (in practice: only the global
 * TenantTransactionInterceptor), they run as nested promises instead; the router awaits the
 * value and replies as it does for a route without interceptors. Any other route (one with an
 * Observable-only interceptor such as the idempotency one, an SSE route, a non-HTTP context)
 * keeps Nest's own path. The async context (CLS) flows through the promise chain by itself.
 *
 * A patch of @nestjs/core's InterceptorsConsumer.prototype.intercept, so it fails loudly at boot
 * if a Nest upgrade removes that method.
 */
export function installPromiseInterceptors(): void {
  if (installed) return;
  const proto = InterceptorsConsumer.prototype as { intercept: Intercept };
  const nests: Intercept = proto.intercept;
  if (typeof nests !== 'function') {
    throw new Error('@nestjs/core changed: InterceptorsConsumer.intercept is gone');
  }
  proto.intercept = function intercept(
    this: InterceptorsConsumer,
    interceptors,
    args,
    instance,
    callback,
    next,
    type,
  ) {
    if (
      type !== 'http' ||
      interceptors.length === 0 ||
      !interceptors.every(isAround) ||
      Reflect.getMetadata(SSE_METADATA, callback)
    ) {
      return nests.call(this, interceptors, args, instance, callback, next, type);
    }
    const context = new ExecutionContextHost(args, instance.constructor as Type, callback);
    context.setType(type);
    // As Nest's path: a handler's Observable counts by its last value.
    const handler = async () => {
      const value = await next();
      return isObservable(value) ? lastValueFrom(value, { defaultValue: undefined }) : value;
    };
    const run = (i: number): Promise<unknown> =>
      i === interceptors.length ? handler() : interceptors[i].around(context, () => run(i + 1));
    return run(0);
  } as Intercept;
  installed = true;
}

/**
 * nestjs-cls registers a global guard and a global interceptor even when neither is mounted (we
 * mount its middleware): pass-throughs that still cost, per request, a guard call and a whole
 * RxJS interceptor layer (and would keep every route off the promise path above). Called after
 * NestFactory.create, before init (routes read the global enhancers when they are registered),
 * it takes out exactly those two instances; a mounted ClsGuard or ClsInterceptor stays.
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
