import { Inject, Injectable } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import { isPublicAddress, literalAddress } from './outbound-address';
import { WebhookResolver } from './webhook-resolver';

/** What is kept of a receiver's answer: enough to debug, never its data. */
const SNIPPET_BYTES = 512;

export interface AttemptOutcome {
  succeeded: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseSnippet: string | null;
}

class RefusedAddressError extends Error {
  code = 'EWEBHOOKADDRESS';
  constructor(hostname: string) {
    super(
      `${hostname} resolves to an address webhooks may not reach (private, loopback, link-local or reserved)`,
    );
  }
}

/**
 * One HTTP POST of a signed delivery. Hand-written on node:http rather than fetch because the
 * SSRF check must see the address actually connected to: the request's `lookup` resolves the
 * name, refuses it if any address is not public, and hands the socket only the addresses it
 * checked, so a DNS answer cannot change between the check and the connection. Literal IP
 * hosts never reach `lookup` (Node connects to them directly) and are checked before.
 * Redirects are not followed (a 3xx is a failed attempt), the whole attempt has a deadline, and
 * only a short snippet of the response is read.
 */
@Injectable()
export class WebhookSender {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly resolver: WebhookResolver,
  ) {}

  async post(
    target: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<AttemptOutcome> {
    const started = performance.now();
    const outcome = (partial: Omit<AttemptOutcome, 'durationMs'>): AttemptOutcome => ({
      ...partial,
      durationMs: Math.round(performance.now() - started),
    });
    const url = new URL(target);
    const allowPrivate = this.config.webhooks.allowPrivateNetworks;
    const literal = literalAddress(url.hostname);
    if (!allowPrivate && literal !== undefined && !isPublicAddress(literal)) {
      return outcome({
        succeeded: false,
        statusCode: null,
        error: new RefusedAddressError(url.hostname).message,
        responseSnippet: null,
      });
    }
    try {
      const { statusCode, snippet } = await this.request(url, headers, body, allowPrivate);
      const succeeded = statusCode >= 200 && statusCode < 300;
      return outcome({
        succeeded,
        statusCode,
        error: succeeded
          ? null
          : statusCode >= 300 && statusCode < 400
            ? `HTTP ${statusCode}: redirects are not followed`
            : `HTTP ${statusCode}`,
        responseSnippet: snippet || null,
      });
    } catch (error) {
      return outcome({
        succeeded: false,
        statusCode: null,
        error: error instanceof Error ? error.message.slice(0, 500) : String(error),
        responseSnippet: null,
      });
    }
  }

  private request(
    url: URL,
    headers: Record<string, string>,
    body: string,
    allowPrivate: boolean,
  ): Promise<{ statusCode: number; snippet: string }> {
    const client = url.protocol === 'https:' ? https : http;
    const payload = Buffer.from(body, 'utf8');
    return new Promise((resolve, reject) => {
      const request = client.request(url, {
        method: 'POST',
        agent: false, // a connection per attempt: nothing pooled across receivers
        lookup: this.checkedLookup(allowPrivate),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(payload.length),
          'user-agent': 'GrantCommons-Webhooks/1.0',
        },
      });
      const deadline = setTimeout(
        () => request.destroy(new Error(`no answer within ${this.config.webhooks.timeoutMs} ms`)),
        this.config.webhooks.timeoutMs,
      );
      request.on('error', (error) => {
        clearTimeout(deadline);
        reject(error);
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let finished = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          clearTimeout(deadline);
          const snippet = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8');
          resolve({ statusCode: response.statusCode ?? 0, snippet });
          response.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= SNIPPET_BYTES) finish();
        });
        response.on('end', finish);
        response.on('error', finish);
      });
      request.end(payload);
    });
  }

  /** dns lookup for the socket that refuses the whole name if any of its addresses is not public. */
  private checkedLookup(allowPrivate: boolean): LookupFunction {
    return (hostname, options, callback) => {
      this.resolver.resolve(hostname).then(
        (found) => {
          const wanted = options.family ? found.filter((a) => a.family === options.family) : found;
          if (wanted.length === 0) {
            const error = Object.assign(new Error(`${hostname} does not resolve`), {
              code: 'ENOTFOUND',
            });
            callback(error, '', 0);
            return;
          }
          if (!allowPrivate && found.some((a) => !isPublicAddress(a.address))) {
            callback(new RefusedAddressError(hostname), '', 0);
            return;
          }
          if (options.all)
            (callback as unknown as (e: null, a: typeof wanted) => void)(null, wanted);
          else callback(null, wanted[0].address, wanted[0].family);
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 0),
      );
    };
  }
}
