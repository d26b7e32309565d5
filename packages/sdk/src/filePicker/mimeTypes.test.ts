import { describe, expect, test } from 'vitest';
import { extensionsFor, mimeTypeOfName, mimeTypesFor } from './mimeTypes';

describe('allowedTypes translation', () => {
  test('extensions: MIME types, wildcards (expanded or as the provider category) and extensions', () => {
    expect(extensionsFor('box', ['application/pdf', 'image/jpeg', '.CSV'])).toEqual([
      '.pdf',
      '.jpg',
      '.jpeg',
      '.csv',
    ]);
    expect(extensionsFor('box', ['image/*'])).toEqual(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.svg']);
    expect(extensionsFor('dropbox', ['image/*', 'text/csv'], { image: 'images' })).toEqual([
      'images',
      '.csv',
    ]);
    expect(extensionsFor('box', [])).toEqual([]);
  });

  test('an unknown MIME type is refused for extension-filtering pickers', () => {
    expect(() => extensionsFor('box', ['application/vnd.google-apps.document'])).toThrow(
      `box's file picker cannot filter by "application/vnd.google-apps.document" (not a known type): list extensions such as ".pdf" in allowedTypes instead.`,
    );
  });

  test('MIME types: exact types pass through (Google types too), extensions and wildcards are translated', () => {
    expect(mimeTypesFor('googledrive', ['application/vnd.google-apps.document', '.pdf', 'audio/*'])).toEqual([
      'application/vnd.google-apps.document',
      'application/pdf',
      'audio/mpeg',
      'audio/wav',
    ]);
    expect(() => mimeTypesFor('googledrive', ['.xyz'])).toThrow('list MIME types such as "application/pdf"');
  });

  test('the MIME type of a name', () => {
    expect(mimeTypeOfName('Report.PDF')).toBe('application/pdf');
    expect(mimeTypeOfName('photo.jpeg')).toBe('image/jpeg');
    expect(mimeTypeOfName('notes')).toBeNull();
    expect(mimeTypeOfName(undefined)).toBeNull();
  });
});
