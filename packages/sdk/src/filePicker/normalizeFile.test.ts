import { expect, test } from 'vitest';
import { normalizeFile } from './normalizeFile';

test('one shape: provider fields mapped, MIME type from the name when missing, bad values as null', () => {
  const original = { id: 7, name: 'a.pdf', bytes: '12', link: 'https://x/a.pdf' };
  expect(
    normalizeFile(original, {
      id: original.id,
      name: original.name,
      size: original.bytes,
      url: original.link,
      isFolder: false,
    }),
  ).toEqual({
    id: '7',
    name: 'a.pdf',
    mimeType: 'application/pdf',
    size: 12,
    url: 'https://x/a.pdf',
    isFolder: false,
    original,
  });
  expect(
    normalizeFile({}, { id: 'f', name: 'Reports.pdf', size: 'big', url: '', isFolder: true }),
  ).toMatchObject({
    mimeType: null,
    size: null,
    url: null,
    isFolder: true,
  });
});
