#!/usr/bin/env node
// Installed bin: runs the compiled CLI when the package was built (npm run build), else the TS source
// via tsx. FILESFU_WATCHDOG_FROM_SOURCE=1 forces the source (tests, so a stale dist/ is never run).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'watchdog', 'cli.js');
if (existsSync(compiled) && process.env.FILESFU_WATCHDOG_FROM_SOURCE !== '1') {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'watchdog', 'cli.ts')).href);
}
