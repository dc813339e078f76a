import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { createMailer } from './lib/mailer.ts';

describe('config', () => {
  it('has working defaults: port 3000, embedded database under ./data', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toMatch(/\/data$/);
    expect(c.publicUrl).toBe('http://localhost:3000');
  });

  it('reads PORT, RAPPORT_DATA_DIR and DATABASE_URL', () => {
    const c = loadConfig({ PORT: '8080', RAPPORT_DATA_DIR: '/tmp/rapport-x', DATABASE_URL: 'postgres://u@h:5432/db' });
    expect(c).toMatchObject({
      port: 8080,
      dataDir: '/tmp/rapport-x',
      databaseUrl: 'postgres://u@h:5432/db',
      publicUrl: 'http://localhost:8080',
    });
  });

  it('names every bad variable', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const vars = (err as ConfigError).problems.map((p) => p.variable).sort();
      expect(vars).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
      expect((err as Error).message).toContain('PORT');
    }
  });
});

describe('mail without SMTP', () => {
  it('writes the message, link included, to the server log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const mailer = createMailer({ smtpUrl: undefined, mailFrom: 'x <x@y.z>' }, pino(sink));
    await mailer.send({ to: 'a@b.co', subject: 'Reset', text: 'Open http://localhost:3000/reset-password?token=abc123' });
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry.mail.to).toBe('a@b.co');
    expect(entry.mail.text).toContain('reset-password?token=abc123');
  });
});
