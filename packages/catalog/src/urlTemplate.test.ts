import { describe, expect, test } from 'vitest';
import { isWellFormedTemplate, renderTemplate, templatePlaceholders } from './urlTemplate';

describe('urlTemplate', () => {
  test('lists distinct placeholders in order', () => {
    expect(templatePlaceholders('https://{{shop}}.example.com/{{version}}/{{shop}}')).toEqual([
      'shop',
      'version',
    ]);
    expect(templatePlaceholders('https://api.example.com')).toEqual([]);
  });

  test('detects malformed placeholders', () => {
    expect(isWellFormedTemplate('https://{{shop}}.example.com')).toBe(true);
    expect(isWellFormedTemplate('https://{{ shop }}.example.com')).toBe(false);
    expect(isWellFormedTemplate('https://{{shop}.example.com')).toBe(false);
    expect(isWellFormedTemplate('https://{{1shop}}.example.com')).toBe(false);
  });

  test('renders values and refuses missing ones', () => {
    expect(renderTemplate('https://{{shop}}.myshopify.com/admin', { shop: 'acme' })).toBe(
      'https://acme.myshopify.com/admin',
    );
    expect(() => renderTemplate('https://{{shop}}.myshopify.com', {})).toThrow('No value for {{shop}}');
  });
});
