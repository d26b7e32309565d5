import { createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { AppError } from '@switchboard/contracts';

const generate = promisify(generateKeyPair);

/** A fresh RS256 key pair: the private half goes to the project owner once; only the public half is stored. */
export async function generateSigningKeyPair(): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  const { publicKey, privateKey } = await generate('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** Parses a public key PEM and returns it normalised; RS256 needs an RSA key of at least 2048 bits. */
export function normalisePublicKeyPem(pem: string): string {
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new AppError(
      'SIGNING_KEY_INVALID',
      400,
      'publicKey is not a readable PEM public key; pass an SPKI PEM.',
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < 2048) {
    throw new AppError(
      'SIGNING_KEY_INVALID',
      400,
      'publicKey must be an RSA key of at least 2048 bits (User Tokens are RS256).',
    );
  }
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** The public key (SPKI PEM) of a private key PEM, to check which project key signed with it. */
export function publicKeyOfPrivateKey(privateKeyPem: string): string {
  try {
    return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    throw new AppError('SIGNING_KEY_INVALID', 400, 'signingKey is not a readable PEM private key.');
  }
}
