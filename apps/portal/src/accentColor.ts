const hexColor = /^#([0-9a-f]{6})$/i;

/** The accent colour if it is a `#rrggbb` colour, else the fallback. */
export function accentOf(color: string | undefined, fallback: string): string {
  if (color && hexColor.test(color)) return color;
  return hexColor.test(fallback) ? fallback : '#4f46e5';
}

/** Relative luminance (WCAG 2) of a `#rrggbb` colour. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** White or near-black (#111827) text on the accent, whichever contrasts more (WCAG ratio). */
export function textOn(accent: string): string {
  const l = luminance(accent);
  const withWhite = 1.05 / (l + 0.05);
  const withDark = (l + 0.05) / (luminance('#111827') + 0.05);
  return withWhite >= withDark ? '#ffffff' : '#111827';
}
