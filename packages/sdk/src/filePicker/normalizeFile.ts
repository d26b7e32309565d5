import { mimeTypeOfName } from './mimeTypes';

/**
 * One picked file or folder, the same shape for every provider; `original` is the provider's own
 * object (Google's Document, Box's item, a Microsoft driveItem, Dropbox's Chooser file). Fields the
 * provider does not report are `null`.
 */
export type PickedFile = {
  id: string;
  name: string;
  /** As the provider reports it, else from the name's extension (Box, Dropbox). */
  mimeType: string | null;
  /** Bytes. */
  size: number | null;
  /** A link to the item in the provider's web app (Dropbox: the Chooser's preview link). */
  url: string | null;
  isFolder: boolean;
  original: Record<string, unknown>;
};

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Builds a PickedFile from the provider's fields, dropping values of the wrong type. */
export function normalizeFile(
  original: Record<string, unknown>,
  fields: {
    id: unknown;
    name: unknown;
    mimeType?: unknown;
    size?: unknown;
    url?: unknown;
    isFolder: boolean;
  },
): PickedFile {
  const size = Number(fields.size ?? Number.NaN);
  return {
    id: String(fields.id ?? ''),
    name: String(fields.name ?? ''),
    mimeType: text(fields.mimeType) ?? (fields.isFolder ? null : mimeTypeOfName(fields.name)),
    size: Number.isFinite(size) ? size : null,
    url: text(fields.url),
    isFolder: fields.isFolder,
    original,
  };
}
