/**
 * Builds a fresh bundle of serverProcessMain.ts (`file`) and workerProcessMain.ts (`workerFile`); the
 * caller removes `dir` when done.
 */
export function bundleServerProcess(): Promise<{ dir: string; file: string; workerFile: string }>;
