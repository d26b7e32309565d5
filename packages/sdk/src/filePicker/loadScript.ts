/** Loads per document and URL: a provider's script is injected once however many pickers use it. */
const loads = new WeakMap<Document, Map<string, Promise<void>>>();

/**
 * Adds `<script src=url>` (or, with `stylesheet`, `<link rel=stylesheet>`) to the document once;
 * resolves when it has loaded. A failed load is forgotten (its element removed) so that a later call
 * tries again.
 */
export function loadScript(
  document: Document,
  url: string,
  attributes: Record<string, string> = {},
  stylesheet = false,
): Promise<void> {
  const byUrl = loads.get(document) ?? new Map<string, Promise<void>>();
  loads.set(document, byUrl);
  const known = byUrl.get(url);
  if (known) return known;
  const element = document.createElement(stylesheet ? 'link' : 'script');
  const all = stylesheet ? { ...attributes, rel: 'stylesheet', href: url } : { ...attributes, src: url };
  for (const [name, value] of Object.entries(all)) element.setAttribute(name, value);
  const promise = new Promise<void>((resolve, reject) => {
    element.onload = () => resolve();
    element.onerror = () => {
      byUrl.delete(url);
      element.remove();
      reject(new Error(`Could not load ${url}`));
    };
  });
  byUrl.set(url, promise);
  document.head.append(element);
  return promise;
}
