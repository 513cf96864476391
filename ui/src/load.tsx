/**
 * Loading data into a view, and the small pieces every view uses to show it.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, NeedsAdminToken } from './api.js';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  /** Loads again, keeping the current data on screen meanwhile. */
  reload(): void;
}

/** Runs `load` when `deps` change; a newer load wins over an older one still in flight. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean; run?: unknown }>({
    loading: true,
  });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === generation.current && setState({ data, loading: false, run }),
      (error: Error) =>
        mine === generation.current && setState((s) => ({ ...s, error, loading: false, run })),
    );
  }, deps);
  useEffect(() => {
    setState({ loading: true });
    run();
  }, [run]);
  // In the render right after `deps` change (before the effect above runs), the state still
  // holds what the old deps loaded: it is not shown, or a view would pair it with the new deps
  // (the records table once read "26–50" over page one's rows).
  if (state.run !== undefined && state.run !== run)
    return { data: undefined, error: undefined, loading: true, reload: run };
  return { data: state.data, error: state.error, loading: state.loading, reload: run };
}

export const formatNumber = (n: number): string => n.toLocaleString('en-US');

export function formatTime(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function ErrorBox({ error }: { error: Error | undefined }) {
  if (!error) return null;
  if (error instanceof NeedsAdminToken) return null; // the app shows the token form
  return (
    <p class="error" role="alert">
      {error instanceof ApiError ? `${error.status}: ` : ''}
      {error.message}
    </p>
  );
}

export function Badge({ kind, children }: { kind: string; children: ComponentChildren }) {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}

export function Loading({ when }: { when: boolean }) {
  return when ? (
    <p class="muted" aria-live="polite">
      Loading…
    </p>
  ) : null;
}

/** A stable color per object type, for badges and graph nodes. */
export function typeColor(objectTypeId: string): string {
  const fixed: Record<string, string> = {
    '0-1': '#2f7bbf',
    '0-2': '#c0612b',
    '0-3': '#3b9b5f',
    '0-5': '#8a55b8',
  };
  if (fixed[objectTypeId]) return fixed[objectTypeId]!;
  let hash = 0;
  for (const c of objectTypeId) hash = (hash * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${hash} 45% 45%)`;
}
