import { useId } from 'react';
import { Button } from '../../ui/Button';
import { useToast } from '../../ui/Toast';
import { CopyField } from '../settings/CopyField';
import { conversionRate } from './formDraft';
import type { Form } from './forms.api';

/** A block of code to paste into a site, with a button that copies it. */
function CodeBlock({ title, description, code, copyLabel }: { title: string; description: string; code: string; copyLabel: string }) {
  const id = useId();
  const toast = useToast();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      toast('Copied to the clipboard');
    } catch {
      toast('Copying was refused by the browser; select the code and press Ctrl+C', 'error');
    }
  };
  return (
    <section className="panel form-share-block" aria-labelledby={`${id}-title`}>
      <div className="form-share-head">
        <div>
          <h3 id={`${id}-title`} className="form-section-title">
            {title}
          </h3>
          <p className="form-section-text">{description}</p>
        </div>
        <Button onClick={copy}>{copyLabel}</Button>
      </div>
      <pre className="form-code">
        <code>{code}</code>
      </pre>
    </section>
  );
}

/** How a form is put on a site: the embed script, plain HTML, the hosted page; and how it performs. */
export function FormShare({ form, dirty }: { form: Form; dirty: boolean }) {
  const rate = conversionRate(form.viewCount, form.submissionCount);
  const noSites = form.allowedOrigins.length === 0;
  return (
    <div className="form-share">
      <dl className="form-stats">
        <div>
          <dt>Views</dt>
          <dd>{form.viewCount.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Submissions</dt>
          <dd>{form.submissionCount.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Conversion</dt>
          <dd>{rate === null ? '—' : `${rate}%`}</dd>
        </div>
      </dl>
      {form.status === 'archived' ? (
        <p className="alert" role="status">
          This form is archived: it shows “not available” and accepts no submissions until it is made active again.
        </p>
      ) : null}
      {dirty ? (
        <p className="form-note" role="status">
          You have unsaved changes; save them to use them in the code below.
        </p>
      ) : null}
      {noSites ? (
        <p className="form-note" role="note">
          No website may embed this form yet. Add your site (like https://www.example.com) under{' '}
          <strong>Build → Where it can be embedded</strong>; the hosted page works either way.
        </p>
      ) : null}
      <CodeBlock
        title="Embed on your site"
        description="Paste where the form should appear. The script draws the form with your fields, keeps the page's UTM parameters, and shows errors and your thank-you message in place."
        code={form.embedCode.script}
        copyLabel="Copy embed code"
      />
      <CodeBlock
        title="Plain HTML form"
        description="Works without JavaScript: people are taken to your thank-you page or redirect after sending. Style it as you like."
        code={form.embedCode.html}
        copyLabel="Copy HTML"
      />
      <section className="panel form-share-block" aria-label="Hosted page">
        <h3 className="form-section-title">Hosted page</h3>
        <p className="form-section-text">A page of its own for links in emails, ads and QR codes. UTM parameters in the link are kept.</p>
        <CopyField label="Link" value={form.urls.hostedPage} copyLabel="Copy link" />
        <a className="btn form-open-link" href={form.urls.hostedPage} target="_blank" rel="noreferrer">
          Open the hosted page
        </a>
      </section>
    </div>
  );
}
