/**
 * The catalog's stand-in for provider logos (which we may not copy): a rounded square in the brand
 * colour with 1–3 white letters. Output is a standalone SVG document usable inline or as a data URL.
 */
export function monogramIcon(letters: string, brandColor: string): string {
  if (!/^[A-Za-z0-9]{1,3}$/.test(letters)) {
    throw new Error(`monogramIcon: letters must be 1–3 ASCII letters or digits (got "${letters}")`);
  }
  if (!/^#[0-9A-Fa-f]{6}$/.test(brandColor)) {
    throw new Error(`monogramIcon: brandColor must be a 6-digit hex colour (got "${brandColor}")`);
  }
  const fontSize = letters.length === 1 ? 32 : letters.length === 2 ? 26 : 20;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">',
    `<rect width="64" height="64" rx="14" fill="${brandColor}"/>`,
    `<text x="32" y="32" dy="0.35em" text-anchor="middle" fill="#FFFFFF" font-size="${fontSize}" font-weight="700"`,
    ` font-family="-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif">`,
    letters,
    '</text></svg>',
  ].join('');
}
