import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function rapport(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

describe('rapport CLI', () => {
  it('--help lists the commands', () => {
    const { code, out } = rapport(['--help']);
    expect(code).toBe(0);
    for (const cmd of ['serve', 'worker', 'migrate', 'backup', 'restore']) expect(out).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
  });

  it('every command has --help', () => {
    for (const cmd of ['serve', 'worker', 'migrate', 'backup', 'restore']) {
      const { code, out } = rapport([cmd, '--help']);
      expect(code).toBe(0);
      expect(out).toContain(`Usage: rapport ${cmd}`);
    }
    expect(rapport(['serve', '--help']).out).toContain('--no-worker');
  });

  it('a bad configuration stops boot with a message naming the variable', () => {
    const { code, err } = rapport(['serve'], { PORT: 'not-a-port' });
    expect(code).toBe(1);
    expect(err).toContain('PORT');
    expect(err).not.toMatch(/\n\s+at /);
  });
});
