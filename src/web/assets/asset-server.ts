import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};
/** Already compressed formats are sent as they are. */
const COMPRESSIBLE = new Set(['.css', '.js', '.svg', '.ttf']);
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Encoded {
  type: string;
  identity: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

function encode(body: Buffer, extension: string): Encoded {
  const type = TYPES[extension] ?? 'application/octet-stream';
  if (!COMPRESSIBLE.has(extension)) return { type, identity: body };
  return {
    type,
    identity: body,
    // Middling levels: uswds.min.css (~400 KB) compresses in tens of milliseconds, once.
    gzip: gzipSync(body, { level: 6 }),
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 6 } }),
  };
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Encoded): FastifyReply {
  const accepts = String(request.headers['accept-encoding'] ?? '');
  const [encoding, body] =
    asset.br && /\bbr\b/.test(accepts)
      ? ['br', asset.br]
      : asset.gzip && /\bgzip\b/.test(accepts)
        ? ['gzip', asset.gzip]
        : [undefined, asset.identity];
  if (encoding) void reply.header('content-encoding', encoding);
  return reply
    .header('vary', 'accept-encoding')
    .header('cache-control', IMMUTABLE)
    .type(asset.type)
    .send(body);
}

/**
 * USWDS sets headings in Merriweather; pointing that family at Source Sans Pro's files (the body
 * font) saves a first visit two font downloads (~43 KB) of the 150 KB budget.
 */
function headingsInBodyFont(uswdsBase: string): string {
  const face = (weight: number, file: string) =>
    `@font-face{font-family:"Merriweather Web";font-style:normal;font-weight:${weight};` +
    `font-display:fallback;src:url(${uswdsBase}/fonts/source-sans-pro/${file}) format("woff2")}`;
  return `\n${face(400, 'sourcesanspro-regular-webfont.woff2')}\n${face(700, 'sourcesanspro-bold-webfont.woff2')}\n`;
}

/**
 * The pages' static files: USWDS's compiled CSS, JS, fonts and images from the @uswds/uswds
 * package (under its version, so a new release is a new URL) and our own few files (under
 * their content hash). All are cached by browsers for a year ("immutable") and compressed once,
 * in memory, the first time each is asked for. Written by hand because @fastify/static serves
 * only pre-compressed files that are already on disk, and @fastify/compress compresses again
 * on every request; this is the one place assets are served.
 */
export class AssetServer {
  readonly uswdsBase: string;
  private readonly uswdsDir: string;
  /** Our files by `hash/name`: bytes until first asked for, then their encodings. */
  private readonly own = new Map<string, Encoded | Buffer>();
  private readonly ownUrls = new Map<string, string>();
  private readonly uswdsCache = new Map<string, Encoded>();

  constructor(publicDir: string) {
    // The package exports only its script (dist/js/uswds.min.js): dist/ is two levels up.
    this.uswdsDir = realpathSync(dirname(dirname(require.resolve('@uswds/uswds'))));
    const manifest = join(this.uswdsDir, '..', 'package.json');
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    this.uswdsBase = `/assets/uswds/${version}`;
    const css = readFileSync(join(publicDir, 'app.css'), 'utf8');
    this.addOwn('app.css', css + headingsInBodyFont(this.uswdsBase));
    this.addOwn('app.js', readFileSync(join(publicDir, 'app.js')));
  }

  /** A generated file (an agency's theme) served like our own: under its content hash. */
  addOwn(name: string, body: Buffer | string): string {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const hash = createHash('sha256').update(bytes).digest('base64url').slice(0, 12);
    const url = `/assets/app/${hash}/${name}`;
    this.own.set(`${hash}/${name}`, bytes);
    this.ownUrls.set(name, url);
    return url;
  }

  urlOf(name: string): string {
    const url = this.ownUrls.get(name);
    if (!url) throw new Error(`no asset named ${name}`);
    return url;
  }

  register(fastify: FastifyInstance): void {
    const notFound = (reply: FastifyReply) => reply.code(404).type('text/plain').send('Not found');
    fastify.get('/assets/app/:hash/:name', (request, reply) => {
      const { hash, name } = request.params as { hash: string; name: string };
      const key = `${hash}/${name}`;
      let asset = this.own.get(key);
      if (Buffer.isBuffer(asset)) this.own.set(key, (asset = encode(asset, extname(name))));
      return asset ? send(request, reply, asset) : notFound(reply);
    });
    fastify.get(`${this.uswdsBase}/*`, (request, reply) => {
      const relative = (request.params as { '*': string })['*'];
      const asset = this.uswdsFile(relative);
      return asset ? send(request, reply, asset) : notFound(reply);
    });
  }

  /** A file under the package's dist/ (css, js, fonts, img), never a path outside it. */
  private uswdsFile(relative: string): Encoded | undefined {
    const cached = this.uswdsCache.get(relative);
    if (cached) return cached;
    const extension = extname(relative);
    if (!TYPES[extension] || !/^(css|js|fonts|img)\//.test(relative)) return undefined;
    const path = resolve(this.uswdsDir, relative);
    if (!path.startsWith(this.uswdsDir + sep)) return undefined;
    let body: Buffer;
    try {
      body = readFileSync(path);
    } catch {
      return undefined;
    }
    const asset = encode(body, extension);
    this.uswdsCache.set(relative, asset);
    return asset;
  }
}
