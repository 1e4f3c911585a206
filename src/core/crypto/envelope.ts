import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for whole files at rest (payment files): each file gets a fresh random
 * 256-bit data key that encrypts it with AES-256-GCM; the data key is stored beside the file,
 * wrapped (AES-256-GCM) by a master key named by its key id. Rotating the master key means adding
 * a new current key and keeping the old one readable until every file is re-wrapped or purged.
 *
 * The caller's `context` (e.g. the agency and batch id) is bound as associated data to both the
 * wrapped key and the file, so an envelope copied onto another record does not open. The tag
 * length is pinned at 16 bytes on both sides: a truncated tag is refused, never checked short.
 *
 * Layout (one buffer): "GCE1" | header length (uint16 BE) | header JSON | ciphertext.
 * Hand-written (not a JWE library) because node:crypto does all the work in ~100 lines and the
 * format must stay readable by this code only.
 */

const MAGIC = Buffer.from('GCE1', 'ascii');
const ALGORITHM = 'aes-256-gcm';
const TAG_BYTES = 16;
const IV_BYTES = 12;
const KEY_BYTES = 32;

interface EnvelopeHeader {
  /** The master key's id (see keyIdOf). */
  kid: string;
  /** The data key, wrapped by the master key: iv, tag, ciphertext (base64). */
  wrap: { iv: string; tag: string; key: string };
  /** The file's iv and tag (base64). */
  iv: string;
  tag: string;
}

/** Any failure to open an envelope: wrong key, changed bytes, wrong context, not an envelope. */
export class EnvelopeOpenError extends Error {
  constructor(reason: string) {
    super(`the envelope does not open: ${reason}`);
    this.name = 'EnvelopeOpenError';
  }
}

/** A master key's id: a short hash of the key, so no separate id has to be configured. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('gc-envelope-kid\0').update(key).digest('hex').slice(0, 16);
}

function masterKey(base64Key: string): Buffer {
  const key = Buffer.from(base64Key, 'base64');
  if (key.length !== KEY_BYTES) throw new Error('an envelope master key must be 32 bytes');
  return key;
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer) {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), data };
}

function open(key: Buffer, iv: Buffer, tag: Buffer, data: Buffer, aad: Buffer): Buffer {
  if (iv.length !== IV_BYTES) throw new EnvelopeOpenError('bad iv length');
  if (tag.length !== TAG_BYTES) throw new EnvelopeOpenError('bad tag length');
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new EnvelopeOpenError('authentication failed');
  }
}

export class EnvelopeCipher {
  private readonly current: { id: string; key: Buffer };
  private readonly keys = new Map<string, Buffer>();

  /** `currentKey` seals; it and every `previousKeys` entry open (base64, 32 bytes each). */
  constructor(currentKey: string, previousKeys: string[] = []) {
    for (const encoded of [currentKey, ...previousKeys]) {
      const key = masterKey(encoded);
      this.keys.set(keyIdOf(key), key);
    }
    const key = masterKey(currentKey);
    this.current = { id: keyIdOf(key), key };
  }

  /** The id of the master key new envelopes are sealed with. */
  get keyId(): string {
    return this.current.id;
  }

  seal(plaintext: Buffer, context: string): Buffer {
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const wrapped = seal(this.current.key, dataKey, this.wrapAad(this.current.id, context));
      const file = seal(dataKey, plaintext, Buffer.from(context, 'utf8'));
      const header: EnvelopeHeader = {
        kid: this.current.id,
        wrap: {
          iv: wrapped.iv.toString('base64'),
          tag: wrapped.tag.toString('base64'),
          key: wrapped.data.toString('base64'),
        },
        iv: file.iv.toString('base64'),
        tag: file.tag.toString('base64'),
      };
      const json = Buffer.from(JSON.stringify(header), 'utf8');
      const length = Buffer.alloc(2);
      length.writeUInt16BE(json.length);
      return Buffer.concat([MAGIC, length, json, file.data]);
    } finally {
      dataKey.fill(0);
    }
  }

  open(envelope: Buffer, context: string): Buffer {
    const header = this.header(envelope);
    const masterKey = this.keys.get(header.kid);
    if (!masterKey) throw new EnvelopeOpenError(`unknown key id ${header.kid}`);
    const body = envelope.subarray(MAGIC.length + 2 + envelope.readUInt16BE(MAGIC.length));
    const dataKey = open(
      masterKey,
      Buffer.from(header.wrap.iv, 'base64'),
      Buffer.from(header.wrap.tag, 'base64'),
      Buffer.from(header.wrap.key, 'base64'),
      this.wrapAad(header.kid, context),
    );
    try {
      if (dataKey.length !== KEY_BYTES) throw new EnvelopeOpenError('bad data key length');
      return open(
        dataKey,
        Buffer.from(header.iv, 'base64'),
        Buffer.from(header.tag, 'base64'),
        body,
        Buffer.from(context, 'utf8'),
      );
    } finally {
      dataKey.fill(0);
    }
  }

  /** The key id an envelope was sealed with (for re-wrapping after a rotation). */
  keyIdOf(envelope: Buffer): string {
    return this.header(envelope).kid;
  }

  /** The wrapped data key is bound to its key id and the context as well. */
  private wrapAad(kid: string, context: string): Buffer {
    return Buffer.from(`${kid}\0${context}`, 'utf8');
  }

  private header(envelope: Buffer): EnvelopeHeader {
    if (envelope.length < MAGIC.length + 2 || !envelope.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new EnvelopeOpenError('not an envelope');
    }
    const length = envelope.readUInt16BE(MAGIC.length);
    if (envelope.length < MAGIC.length + 2 + length) throw new EnvelopeOpenError('truncated');
    let header: unknown;
    try {
      header = JSON.parse(
        envelope.subarray(MAGIC.length + 2, MAGIC.length + 2 + length).toString('utf8'),
      );
    } catch {
      throw new EnvelopeOpenError('unreadable header');
    }
    if (!isHeader(header)) throw new EnvelopeOpenError('unreadable header');
    return header;
  }
}

const isText = (v: unknown): v is string => typeof v === 'string';

function isHeader(value: unknown): value is EnvelopeHeader {
  const h = value as Partial<EnvelopeHeader> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    isText(h.kid) &&
    isText(h.iv) &&
    isText(h.tag) &&
    typeof h.wrap === 'object' &&
    h.wrap !== null &&
    isText(h.wrap.iv) &&
    isText(h.wrap.tag) &&
    isText(h.wrap.key)
  );
}
