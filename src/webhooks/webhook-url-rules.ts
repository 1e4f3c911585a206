import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';
import { isLocalName, isPublicAddress, literalAddress } from './outbound-address';
import { ResolvedAddress, WebhookResolver } from './webhook-resolver';
import { WebhookUrlRefusedError } from './webhooks.errors';

const MAX_URL_LENGTH = 2000;

/**
 * Whether an endpoint URL may be registered: http(s) only, https only in production, no
 * credentials in it, and (unless the deployment allows private networks) a host that is not
 * this machine and whose every address is public. The same address rules hold again at each
 * delivery on the address actually connected to (WebhookSender), since DNS can change between
 * now and then (rebinding).
 */
@Injectable()
export class WebhookUrlRules {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly resolver: WebhookResolver,
  ) {}

  /** The URL as it will be stored (the parser's normal form), or WebhookUrlRefusedError. */
  async check(raw: string): Promise<string> {
    let url: URL;
    try {
      if (raw.length > MAX_URL_LENGTH) throw new Error('too long');
      url = new URL(raw);
    } catch {
      throw new WebhookUrlRefusedError(
        'invalid',
        `it is not an absolute URL of at most ${MAX_URL_LENGTH} characters`,
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new WebhookUrlRefusedError('invalid', 'only http and https URLs can receive webhooks');
    }
    if (url.protocol !== 'https:' && this.config.webhooks.requireHttps) {
      throw new WebhookUrlRefusedError(
        'not_https',
        'this deployment sends webhooks over https only',
      );
    }
    if (url.username || url.password) {
      throw new WebhookUrlRefusedError(
        'credentials',
        'a URL may not carry a user name or password',
      );
    }
    url.hash = '';
    if (!this.config.webhooks.allowPrivateNetworks) await this.checkHost(url.hostname);
    return url.toString();
  }

  private async checkHost(hostname: string): Promise<void> {
    const refused = () =>
      new WebhookUrlRefusedError(
        'private_address',
        'the host is this machine or a private, link-local or reserved address',
      );
    if (isLocalName(hostname)) throw refused();
    const literal = literalAddress(hostname);
    if (literal !== undefined) {
      if (!isPublicAddress(literal)) throw refused();
      return;
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolver.resolve(hostname);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) {
      throw new WebhookUrlRefusedError('unresolvable', `the host "${hostname}" does not resolve`);
    }
    if (addresses.some((a) => !isPublicAddress(a.address))) throw refused();
  }
}
