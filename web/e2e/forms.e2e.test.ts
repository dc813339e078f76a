import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRun, startBrowserRun } from './harness.ts';

/** The first visit asks who is signed in (401); the embedded form is sent once without a required answer (422). */
const EXPECTED_FAILURES = [
  { path: '/api/v1/me', status: 401 },
  { path: /^\/api\/v1\/public\/forms\/[\w-]+\/submissions$/, status: 422 },
];

describe('lead-capture forms in a browser', () => {
  let run: BrowserRun;
  let base: string;
  let page: Page;
  let site: http.Server;
  let siteOrigin: string;
  let embedCode = '';

  beforeAll(async () => {
    // Another origin: a plain page of "someone's website" that embeds the form with the copied snippet.
    site = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme — book a demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}</style></head>
<body><h1>Book a demo</h1><p>See Acme in action.</p>${embedCode}</body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    run = await startBrowserRun({ expectedFailures: EXPECTED_FAILURES });
    ({ base, page } = run);
  });

  afterAll(async () => {
    await run?.close();
    await new Promise((resolve) => site.close(resolve));
  });

  it('builds a form, embeds it on another site, and the submission lands on the contact', async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Katherine Johnson');
    await page.getByLabel('Work email').fill('katherine@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Orbits');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No contacts yet').waitFor();

    await page.getByRole('link', { name: 'Forms' }).click();
    await page.getByText('No forms yet').waitFor();
    await page.getByRole('button', { name: 'New form' }).first().click();
    await page.getByRole('tab', { name: 'Build' }).waitFor();

    // Build: name, an extra field, consent, a thank-you message and the site allowed to embed it.
    await page.getByLabel('Name', { exact: true }).fill('Book a demo');
    await page.getByLabel('Button label').fill('Request my demo');
    await page.getByLabel('Add a field').selectOption('jobTitle');
    await page
      .getByRole('listitem', { name: /Job title/ })
      .getByLabel('Required')
      .check();
    await page.getByLabel('Ask for consent').check();
    await page.getByRole('textbox', { name: 'Consent text' }).fill('Email me about Orbits products. I can unsubscribe at any time.');
    await page.getByRole('textbox', { name: 'Thank-you message' }).fill('Thanks! We will call you within a day.');
    await page.getByLabel('Allowed websites').fill(siteOrigin);
    const preview = page.getByRole('form', { name: 'Preview' });
    await preview.getByText('Book a demo').waitFor();
    await preview.getByLabel(/Job title/).waitFor();
    await preview.getByRole('button', { name: 'Request my demo' }).waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.toast').filter({ hasText: 'Form saved' }).waitFor();
    await page.getByRole('button', { name: 'Saved' }).waitFor();
    await page.locator('.content').evaluate((el) => el.scrollTo(0, 0));
    await run.screenshots('forms-builder');

    await page.getByRole('tab', { name: 'Share' }).click();
    await page.getByRole('heading', { name: 'Embed on your site' }).waitFor();
    const formId = page.url().split('/forms/')[1] as string;
    const form = await (await page.request.get(`${base}/api/v1/forms/${formId}`)).json();
    const shown = (await page.locator('.form-code').first().textContent()) ?? '';
    expect(shown).toBe(form.embedCode.script);
    await run.screenshots('forms-share');
    // The snippet names the configured public URL; this run's server listens on its own port.
    embedCode = form.embedCode.script.replace('http://127.0.0.1/', `${base}/`);

    // A visitor on the other site fills the embedded form in.
    await page.goto(`${siteOrigin}/pricing?utm_source=e2e&utm_medium=cpc&utm_campaign=launch`);
    const embedded = page.locator('form.rapport-form');
    await embedded.getByRole('textbox', { name: 'Email' }).fill('  Mary.Jackson@Example.com ');
    await embedded.getByRole('textbox', { name: 'First name' }).fill('Mary');
    await embedded.getByRole('textbox', { name: 'Last name' }).fill('Jackson');
    await embedded.getByRole('button', { name: 'Request my demo' }).click();
    // The job title is required: the error shows beside it and nothing is sent until it is fixed.
    await embedded.getByText('This field is required').waitFor();
    await embedded.getByRole('textbox', { name: 'Job title' }).fill('Engineer');
    await embedded.getByLabel(/Email me about Orbits/).check();
    await run.screenshots('forms-embedded');
    await embedded.getByRole('button', { name: 'Request my demo' }).click();
    await page.getByRole('status').filter({ hasText: 'Thanks! We will call you within a day.' }).waitFor();

    // The contact and the activity are there through the API.
    const found = (await (await page.request.get(`${base}/api/v1/contacts?q=mary.jackson@example.com`)).json()).data;
    expect(found).toHaveLength(1);
    const contact = await (await page.request.get(`${base}/api/v1/contacts/${found[0].id}`)).json();
    expect(contact).toMatchObject({
      firstName: 'Mary',
      lastName: 'Jackson',
      jobTitle: 'Engineer',
      utm: { source: 'e2e', medium: 'cpc', campaign: 'launch' },
    });
    expect(contact.consent.email).toMatchObject({ state: 'subscribed', method: 'form', textVersion: form.consent.textVersion });
    const timeline = (await (await page.request.get(`${base}/api/v1/contacts/${contact.id}/timeline`)).json()).data;
    const activity = timeline.find((e: { kind: string }) => e.kind === 'activity').activity;
    expect(activity.formSubmission).toMatchObject({
      formName: 'Book a demo',
      pageUrl: `${siteOrigin}/pricing?utm_source=e2e&utm_medium=cpc&utm_campaign=launch`,
      utm: { source: 'e2e', medium: 'cpc', campaign: 'launch' },
    });

    // The contact's timeline in the app shows the submission.
    await page.goto(`${base}/contacts/${contact.id}`);
    const item = page.locator('.timeline-item').filter({ hasText: 'Submitted form: Book a demo' });
    await item.waitFor();
    await item.getByText('UTM: source e2e · medium cpc · campaign launch').waitFor();
    await item.getByText('Job title: Engineer').waitFor();
    await run.screenshots('forms-timeline');

    await page.goto(`${base}/forms/${formId}`);
    await page.getByRole('tab', { name: 'Submissions (1)' }).click();
    await page.getByRole('link', { name: 'Mary Jackson' }).waitFor();
    await page.getByText('New contact').waitFor();
    await run.screenshots('forms-submissions');
    await page.goto(`${base}/forms`);
    await page.getByRole('link', { name: 'Book a demo' }).waitFor();
    await run.screenshots('forms-list');
    expect(run.consoleProblems).toEqual([]);
  }, 120_000);
});
