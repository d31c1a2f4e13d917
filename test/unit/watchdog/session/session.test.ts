import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  forgetSession,
  INSTALL_ID_FILE,
  loadOrCreateInstallId,
  localIdentity,
  resolveSession,
  sameProcessRun,
  resourceAttributes,
  semconvHostArch,
  semconvOsType,
} from '../../../../src/watchdog/session/index.js';

const stateDir = () => mkdtemp(join(tmpdir(), 'filesfu-session-'));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('install id', () => {
  it('is generated once and stable for the install (state dir)', async () => {
    const dir = await stateDir();
    const first = await loadOrCreateInstallId(dir);
    expect(first).toMatch(UUID);
    expect(await loadOrCreateInstallId(dir)).toBe(first);
    expect((await readFile(join(dir, INSTALL_ID_FILE), 'utf8')).trim()).toBe(first);
  });

  it('replaces a corrupt install-id file', async () => {
    const dir = await stateDir();
    await writeFile(join(dir, INSTALL_ID_FILE), 'not a uuid');
    expect(await loadOrCreateInstallId(dir)).toMatch(UUID);
  });
});

describe('session resolution', () => {
  it('reuses the session id for the same process run (watchdog restart)', async () => {
    const dir = await stateDir();
    const first = await resolveSession(dir, '4242@987654');
    expect(first).toMatchObject({ resumed: false });
    expect(first.sessionId).toMatch(UUID);
    expect(await resolveSession(dir, '4242@987654')).toEqual({ sessionId: first.sessionId, resumed: true });
  });

  it('starts a new session for a new app run: other pid, or same pid with another start time', async () => {
    const dir = await stateDir();
    const first = await resolveSession(dir, '4242@987654');
    const reusedPid = await resolveSession(dir, '4242@999999');
    expect(reusedPid.resumed).toBe(false);
    expect(reusedPid.sessionId).not.toBe(first.sessionId);
    expect((await resolveSession(dir, '5555@1')).resumed).toBe(false);
  });

  it('resumes across a start time that is only approximate (ps-based sources), within its tolerance', async () => {
    const dir = await stateDir();
    const first = await resolveSession(dir, '4242@1764000000~2');
    expect((await resolveSession(dir, '4242@1764000001~2')).sessionId).toBe(first.sessionId);
    expect((await resolveSession(dir, '4242@1763999999~2')).sessionId).toBe(first.sessionId);
    expect((await resolveSession(dir, '4242@1764000003~2')).resumed).toBe(false);
    expect(sameProcessRun('1@5~2', '2@5~2')).toBe(false);
    expect(sameProcessRun('1@5', '1@6')).toBe(false);
  });

  it('does not resume a session that ended', async () => {
    const dir = await stateDir();
    const first = await resolveSession(dir, '1@1');
    await forgetSession(dir, first.sessionId);
    expect((await resolveSession(dir, '1@1')).resumed).toBe(false);
  });

  it('survives a corrupt session file', async () => {
    const dir = await stateDir();
    await writeFile(join(dir, 'session.json'), '{oops');
    expect((await resolveSession(dir, '1@1')).resumed).toBe(false);
  });
});

describe('identity', () => {
  it('maps Node platform/arch to OTel semconv values', () => {
    expect(semconvOsType('linux')).toBe('linux');
    expect(semconvOsType('darwin')).toBe('darwin');
    expect(semconvOsType('win32')).toBe('windows');
    expect(semconvHostArch('x64')).toBe('amd64');
    expect(semconvHostArch('arm64')).toBe('arm64');
    expect(semconvHostArch('ia32')).toBe('x86');
  });

  it('builds the resource of docs/metrics.md', () => {
    const identity = localIdentity({ installId: 'i', sessionId: 's', appVersion: '6.4.0' });
    expect(Object.keys(resourceAttributes(identity)).sort()).toEqual(
      [
        'filesfu.host.cpu.logical_count',
        'host.arch',
        'os.type',
        'os.version',
        'service.instance.id',
        'service.name',
        'service.version',
        'session.id',
      ].sort(),
    );
    expect(resourceAttributes(identity)['service.name']).toBe('filesfu-desktop');
    expect(resourceAttributes(identity)['filesfu.host.cpu.logical_count']).toBe(availableParallelism());
    // Unknown or invalid counts are left out rather than sent as a wrong number.
    expect(resourceAttributes({ ...identity, cpuLogicalCount: 0 })).not.toHaveProperty(
      'filesfu.host.cpu.logical_count',
    );
  });
});
