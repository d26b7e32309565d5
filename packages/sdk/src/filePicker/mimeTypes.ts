/**
 * MIME types of common files by extension: `allowedTypes` are MIME types, but Box, Dropbox and the
 * Microsoft picker filter by extension, and Box and Dropbox report no MIME type for what was picked.
 */
const extensionsByMimeType: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/json': 'json',
  'application/zip': 'zip',
  'application/rtf': 'rtf',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/html': 'html htm',
  'text/markdown': 'md',
  'image/jpeg': 'jpg jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
};

const table = Object.entries(extensionsByMimeType).map(
  ([mimeType, extensions]) => [mimeType, extensions.split(' ')] as const,
);

/** The MIME type of a file name's extension, when known. */
export function mimeTypeOfName(name: unknown): string | null {
  const extension = typeof name === 'string' ? /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() : undefined;
  return table.find(([, extensions]) => extension && extensions.includes(extension))?.[0] ?? null;
}

const wildcard = (entry: string) => /^([a-z]+)\/\*$/.exec(entry)?.[1];

function unknownType(integrationType: string, entry: string, instead: string): Error {
  return new Error(
    `${integrationType}'s file picker cannot filter by "${entry}" (not a known type): list ${instead} in allowedTypes instead.`,
  );
}

/**
 * `allowedTypes` (MIME types like `application/pdf` or `image/*`, or extensions like `.pdf`) as
 * extensions with their dot. `categories` maps a wildcard's top-level type to the provider's own
 * file category (Dropbox's `images`, Microsoft's `photo`); other wildcards expand to every known
 * extension of that type. Throws for a MIME type whose extension is not known.
 */
export function extensionsFor(
  integrationType: string,
  allowedTypes: string[],
  categories: Record<string, string> = {},
): string[] {
  const result = allowedTypes.flatMap((entry) => {
    if (entry.startsWith('.')) return [entry.toLowerCase()];
    const group = wildcard(entry);
    const category = group && categories[group];
    if (category) return [category];
    const matches = table
      .filter(([mimeType]) => (group ? mimeType.startsWith(`${group}/`) : mimeType === entry))
      .flatMap(([, extensions]) => extensions.map((extension) => `.${extension}`));
    if (matches.length === 0) throw unknownType(integrationType, entry, 'extensions such as ".pdf"');
    return matches;
  });
  return [...new Set(result)];
}

/**
 * `allowedTypes` as MIME types (Google Picker): exact MIME types pass through (Google's own types
 * too), wildcards expand to the known types, extensions become their MIME type.
 */
export function mimeTypesFor(integrationType: string, allowedTypes: string[]): string[] {
  const result = allowedTypes.flatMap((entry) => {
    const group = wildcard(entry);
    if (!entry.startsWith('.') && !group) return [entry];
    const matches = table
      .filter(([mimeType, extensions]) =>
        group ? mimeType.startsWith(`${group}/`) : extensions.includes(entry.slice(1).toLowerCase()),
      )
      .map(([mimeType]) => mimeType);
    if (matches.length === 0)
      throw unknownType(integrationType, entry, 'MIME types such as "application/pdf"');
    return matches;
  });
  return [...new Set(result)];
}
