/** Builds a fresh bundle of serverProcessMain.ts; the caller removes `dir` when done. */
export function bundleServerProcess(): Promise<{ dir: string; file: string }>;
