import { AppError } from '@switchboard/contracts';
import { importPKCS8, SignJWT } from 'jose';

/** Signs a User Token (RS256) as the project's own backend would: `sub`, `iat`, `exp`, optional `aud`. */
export async function signUserToken(input: {
  privateKeyPem: string;
  userId: string;
  ttlSeconds: number;
  audience?: string | undefined;
  now?: number;
}): Promise<{ token: string; expiresAt: Date }> {
  let key: CryptoKey;
  try {
    key = await importPKCS8(input.privateKeyPem, 'RS256');
  } catch {
    throw new AppError('SIGNING_KEY_INVALID', 400, 'signing key is not a PKCS#8 RSA private key PEM.');
  }
  const iat = Math.floor((input.now ?? Date.now()) / 1000);
  const exp = iat + input.ttlSeconds;
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject(input.userId)
    .setIssuedAt(iat)
    .setExpirationTime(exp);
  if (input.audience) jwt = jwt.setAudience(input.audience);
  return { token: await jwt.sign(key), expiresAt: new Date(exp * 1000) };
}
