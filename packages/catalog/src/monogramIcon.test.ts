import { describe, expect, test } from 'vitest';
import { monogramIcon } from './monogramIcon';

describe('monogramIcon', () => {
  test('draws the letters in white on a rounded square of the brand colour', () => {
    const svg = monogramIcon('GD', '#1A73E8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>$/);
    expect(svg).toContain('<rect width="64" height="64" rx="14" fill="#1A73E8"/>');
    expect(svg).toMatch(/<text [^>]*fill="#FFFFFF"[^>]*>GD<\/text>/);
  });

  test('refuses anything that could inject markup', () => {
    expect(() => monogramIcon('<b>', '#000000')).toThrow('letters must be 1–3');
    expect(() => monogramIcon('AB', 'red" onload="x')).toThrow('brandColor must be');
  });
});
