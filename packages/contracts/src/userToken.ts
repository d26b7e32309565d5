import { z } from 'zod';

/**
 * Claims of a User Token (RS256 JWT signed with the project's private key).
 * `sub` is the Connected User's id in the project's own app; `exp` is required.
 */
export const userTokenClaimsSchema = z.object({
  sub: z.string().min(1).max(512),
  iat: z.number().optional(),
  exp: z.number(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
});
export type UserTokenClaims = z.infer<typeof userTokenClaimsSchema>;

/** "1h", "30m", "45s", "7d" or a number of seconds. */
export const ttlSchema = z
  .union([z.number().int().positive(), z.string().regex(/^\d+[smhd]?$/, 'use e.g. 3600, 30m, 1h or 7d')])
  .transform((value) => {
    if (typeof value === 'number') return value;
    const amount = Number.parseInt(value, 10);
    const unit = value.at(-1);
    const factor = unit === 'd' ? 86400 : unit === 'h' ? 3600 : unit === 'm' ? 60 : 1;
    return amount * factor;
  });
