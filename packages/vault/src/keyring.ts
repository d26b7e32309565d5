import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/*
 * Envelope for secrets at rest (tokens, API keys, PKCE verifiers): AES-256-GCM with a random 12-byte IV
 * under a named key, serialized as `sb1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url). The key id travels
 * with the value so keys can be rotated: add a new current key, keep the old ones to open old values.
 * The version prefix and key id are bound as additional authenticated data, so relabelling a value
 * fails authentication like any other tampering.
 */

const formatVersion = 'sb1';
const ivBytes = 12;
const tagBytes = 16;
const keyBytes = 32;
const keyIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
const base64urlPattern = /^[A-Za-z0-9_-]*$/;

export type KeyringKey = { readonly id: string; readonly key: Uint8Array };

export type Keyring = {
  /** The id new values are sealed with. */
  readonly currentKeyId: string;
  seal(plaintext: string): string;
  /** Throws on a malformed value, an unknown key id, or a failed authentication (tampering, wrong key). */
  open(sealed: string): string;
};

function additionalData(keyId: string): Buffer {
  return Buffer.from(`${formatVersion}.${keyId}`, 'utf8');
}

function decodePart(part: string): Buffer | undefined {
  return base64urlPattern.test(part) ? Buffer.from(part, 'base64url') : undefined;
}

export function createKeyring(options: { keys: readonly KeyringKey[]; currentKeyId: string }): Keyring {
  const keys = new Map<string, Buffer>();
  for (const { id, key } of options.keys) {
    if (!keyIdPattern.test(id)) {
      throw new Error(`Keyring key id "${id}" is invalid: use 1-64 letters, digits, _ or -`);
    }
    if (keys.has(id)) throw new Error(`Keyring lists key id "${id}" twice`);
    if (key.length !== keyBytes) {
      throw new Error(`Keyring key "${id}" is ${key.length} bytes; AES-256 keys must be exactly 32 bytes`);
    }
    // Copied so later changes to the caller's buffer cannot change the key.
    keys.set(id, Buffer.from(key));
  }
  const { currentKeyId } = options;
  const currentKey = keys.get(currentKeyId);
  if (!currentKey) {
    const known = [...keys.keys()].join(', ') || 'none';
    throw new Error(`Keyring current key "${currentKeyId}" is not among its keys (keys: ${known})`);
  }

  return {
    currentKeyId,

    seal(plaintext) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv, { authTagLength: tagBytes });
      cipher.setAAD(additionalData(currentKeyId));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        formatVersion,
        currentKeyId,
        iv.toString('base64url'),
        tag.toString('base64url'),
        ciphertext.toString('base64url'),
      ].join('.');
    },

    open(sealed) {
      const parts = sealed.split('.');
      const [version, keyId, ivPart, tagPart, ciphertextPart] = parts;
      if (
        parts.length !== 5 ||
        version !== formatVersion ||
        keyId === undefined ||
        ivPart === undefined ||
        tagPart === undefined ||
        ciphertextPart === undefined
      ) {
        throw new Error('Sealed value is malformed (expected sb1.<keyId>.<iv>.<tag>.<ciphertext>)');
      }
      const key = keys.get(keyId);
      if (!key) {
        const known = [...keys.keys()].join(', ');
        throw new Error(
          `Sealed value was sealed with key "${keyId}", which is not in the keyring (keys: ${known}); ` +
            'add that key to open it',
        );
      }
      const iv = decodePart(ivPart);
      const tag = decodePart(tagPart);
      const ciphertext = decodePart(ciphertextPart);
      if (iv?.length !== ivBytes || tag?.length !== tagBytes || ciphertext === undefined) {
        throw new Error('Sealed value is malformed (bad IV, tag or ciphertext encoding)');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
      decipher.setAAD(additionalData(keyId));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(
          `Sealed value failed authentication with key "${keyId}": it was altered, or the key material ` +
            'for that id changed',
        );
      }
    },
  };
}
