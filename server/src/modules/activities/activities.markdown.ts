import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** Escapes text for HTML. */
const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

/**
 * Markdown as people write it in notes: GitHub-flavoured, single line breaks kept. HTML typed
 * into a note is shown as text, never rendered; an image becomes a link to it (an image that
 * loads by itself could tell a third party who read the note, and when).
 */
const markdown = new Marked({ gfm: true, breaks: true, async: false }).use({
  renderer: {
    html: (token) => escapeHtml(token.text),
    image: (token) => `<a href="${escapeHtml(token.href)}">${escapeHtml(token.text || token.href)}</a>`,
  },
});

/**
 * What a rendered note may contain, checked again after rendering: text formatting, lists,
 * quotes, code, tables and links to http(s), mailto and tel. No scripts, styles, frames, forms,
 * images, event handlers or classes.
 */
const allowed: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'strong',
    'em',
    'del',
    's',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'input',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
    input: ['type', 'checked', 'disabled'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Only task-list checkboxes survive as inputs; any other input is dropped.
  exclusiveFilter: (frame) => frame.tag === 'input' && frame.attribs.type !== 'checkbox',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } }),
  },
};

/**
 * Renders a note's Markdown to HTML that is safe to show in a browser as is.
 * @example renderNote('**hi** <b>x</b>') // '<p><strong>hi</strong> &lt;b&gt;x&lt;/b&gt;</p>'
 */
export function renderNote(body: string): string {
  const html = markdown.parse(body) as string;
  return sanitizeHtml(html, allowed).trim();
}
