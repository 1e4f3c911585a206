import { AppConfig } from '../core/config/env';
import { ResolvedAddress, WebhookResolver } from './webhook-resolver';
import { WebhookUrlRules } from './webhook-url-rules';

/** A resolver that knows a few names and no network. */
function resolver(names: Record<string, string[]>): WebhookResolver {
  return {
    resolve: (hostname: string): Promise<ResolvedAddress[]> => {
      const found = names[hostname];
      if (!found)
        return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
      return Promise.resolve(
        found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    },
  };
}

const NAMES = {
  'hooks.example.org': ['93.184.216.34'],
  'inside.example.org': ['93.184.216.34', '10.0.0.7'],
  'localtest.me': ['127.0.0.1'],
};

function rules(webhooks: Partial<AppConfig['webhooks']>): WebhookUrlRules {
  const config = {
    webhooks: { requireHttps: false, allowPrivateNetworks: false, ...webhooks },
  } as AppConfig;
  return new WebhookUrlRules(config, resolver(NAMES));
}

async function refusal(check: Promise<string>): Promise<string> {
  try {
    await check;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'accepted';
}

describe('webhook endpoint URLs', () => {
  it('accepts a public https URL, as the URL parser writes it, without its fragment', async () => {
    await expect(
      rules({ requireHttps: true }).check('https://Hooks.Example.org/in#x'),
    ).resolves.toBe('https://hooks.example.org/in');
  });

  it('refuses http in production', async () => {
    expect(await refusal(rules({ requireHttps: true }).check('http://hooks.example.org/'))).toBe(
      'webhook.url_not_https',
    );
  });

  it('refuses other schemes, credentials, and what does not parse', async () => {
    const r = rules({});
    expect(await refusal(r.check('ftp://hooks.example.org/'))).toBe('webhook.url_invalid');
    expect(await refusal(r.check('file:///etc/passwd'))).toBe('webhook.url_invalid');
    expect(await refusal(r.check('hooks.example.org/in'))).toBe('webhook.url_invalid');
    expect(await refusal(r.check('https://user:pw@hooks.example.org/'))).toBe(
      'webhook.url_credentials',
    );
    expect(await refusal(r.check('https://nowhere.example.org/'))).toBe('webhook.url_unresolvable');
  });

  it('refuses a name any of whose addresses is private, and this machine by name', async () => {
    const r = rules({});
    expect(await refusal(r.check('https://inside.example.org/'))).toBe(
      'webhook.url_private_address',
    );
    expect(await refusal(r.check('https://localtest.me/'))).toBe('webhook.url_private_address');
    expect(await refusal(r.check('http://localhost:3000/'))).toBe('webhook.url_private_address');
    expect(await refusal(r.check('http://0x7f000001/'))).toBe('webhook.url_private_address');
    expect(await refusal(r.check('http://[::ffff:127.0.0.1]/'))).toBe(
      'webhook.url_private_address',
    );
  });

  it('lets a deployment that allows private networks register them', async () => {
    const r = rules({ allowPrivateNetworks: true });
    await expect(r.check('http://127.0.0.1:9999/hook')).resolves.toBe('http://127.0.0.1:9999/hook');
    await expect(r.check('http://localtest.me/')).resolves.toBe('http://localtest.me/');
  });
});
