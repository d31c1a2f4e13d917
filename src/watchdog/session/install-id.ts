// The install id (service.instance.id) is generated once and persisted in the state dir, so it stays
// stable across app and watchdog restarts; the gateway's install credential is bound to it.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readStateFile, writeStateFile } from './state-file.js';

export const INSTALL_ID_FILE = 'install-id';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loadOrCreateInstallId(stateDir: string): Promise<string> {
  const path = join(stateDir, INSTALL_ID_FILE);
  const existing = (await readStateFile(path))?.trim();
  if (existing && UUID_PATTERN.test(existing)) return existing.toLowerCase();
  const installId = randomUUID();
  await writeStateFile(path, `${installId}\n`);
  return installId;
}
