import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers.ts';

describe('the web app at /', () => {
  let dir: string;
  let built: TestApp;
  let missing: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rapport-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    // The build's compressed copies (web/vite.config.ts); distinct text, so the test sees which was sent.
    writeFileSync(path.join(dir, 'assets', 'big-abc123.js'), 'console.log("plain")');
    writeFileSync(path.join(dir, 'assets', 'big-abc123.js.br'), brotliCompressSync('console.log("brotli")'));
    writeFileSync(path.join(dir, 'assets', 'big-abc123.js.gz'), gzipSync('console.log("gzip")'));
    built = await createTestApp({}, undefined, { webRoot: dir });
    missing = await createTestApp({}, undefined, { webRoot: path.join(dir, 'nowhere') });
  });

  afterAll(async () => {
    await built.close();
    await missing.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and for client-side routes, never cached', async () => {
    for (const url of ['/', '/contacts', '/contacts/0b9d7c4e-8d3c-4a6f-9f5a-0f6d7e8c9b1a?tab=x', '/invitations/some-token']) {
      const res = await built.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('serves built assets as files, cached for good', async () => {
    const res = await built.app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.body).toBe('console.log(1)');
  });

  it('sends the build’s Brotli or gzip copy as the browser accepts, cached for good, else the file itself', async () => {
    const br = await built.app.inject({ method: 'GET', url: '/assets/big-abc123.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toContain('immutable');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe('console.log("brotli")');
    const gz = await built.app.inject({ method: 'GET', url: '/assets/big-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await built.app.inject({ method: 'GET', url: '/assets/big-abc123.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe('console.log("plain")');
  });

  it('keeps /api answering problems and the API reference working', async () => {
    const unknown = await built.app.inject({ method: 'GET', url: '/api/v1/no-such-thing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.json().code).toBe('not_found');
    const post = await built.app.inject({ method: 'POST', url: '/contacts', payload: {} });
    expect(post.statusCode).toBe(404);
    const docs = await built.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
    const health = await built.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(health.json().status).toBe('ok');
  });

  it('tells how to build the web app when it is missing', async () => {
    const res = await missing.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('npm run build');
    const route = await missing.app.inject({ method: 'GET', url: '/contacts' });
    expect(route.statusCode).toBe(404);
    expect(route.body).toContain('npm run build');
  });
});
