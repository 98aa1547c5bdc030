import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/** Recorded workflow histories, replayed against the current workflow code by test/integration/replay.test.ts. */
export const HISTORIES_DIR = join(__dirname, '..', 'histories');

/** With RECORD_HISTORIES=1 a test run refreshes the committed histories (do it when a change is meant to be incompatible). */
export async function maybeRecord(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), historyToJSON(await handle.fetchHistory()));
}

export function recordedHistories(): Array<{ name: string; history: unknown }> {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), history: JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8')) as unknown }));
}
