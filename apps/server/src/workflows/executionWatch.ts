/**
 * In-process notice that an execution's state was saved, so a waiting Request trigger answers at once
 * when this process's worker runs it. Executions run by other processes are seen by polling the store.
 */
export interface ExecutionWatch {
  notify(executionId: string): void;
  /** Resolves at the next notice for this execution, or after `ms`. */
  next(executionId: string, ms: number): Promise<void>;
}

export function createExecutionWatch(): ExecutionWatch {
  const waiters = new Map<string, Set<() => void>>();
  return {
    notify(executionId) {
      const set = waiters.get(executionId);
      if (!set) return;
      waiters.delete(executionId);
      for (const resolve of set) resolve();
    },
    next(executionId, ms) {
      return new Promise((resolve) => {
        let set = waiters.get(executionId);
        if (!set) {
          set = new Set();
          waiters.set(executionId, set);
        }
        const done = () => {
          clearTimeout(timer);
          set.delete(done);
          if (set.size === 0 && waiters.get(executionId) === set) waiters.delete(executionId);
          resolve();
        };
        const timer = setTimeout(done, ms);
        set.add(done);
      });
    },
  };
}
