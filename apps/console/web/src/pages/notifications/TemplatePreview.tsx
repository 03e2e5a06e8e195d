import { useEffect, useState } from 'react';
import { appRequest } from '../../api.js';
import { type DraftPreview, NOTIFIER } from '../../notification-types.js';

const DEBOUNCE_MS = 300;

type PreviewState = { status: 'idle' | 'loading' } | { status: 'ok'; preview: DraftPreview } | { status: 'error'; message: string };

/**
 * The text being written, rendered by the sms-notifier as it would send it (`POST /sms/templates/preview`):
 * the SMS with its encoding and segments, the email's subject and HTML in a sandboxed frame.
 */
export function TemplatePreview({ body, locale, sampleData }: { body: string; locale: string; sampleData: string }) {
  const [state, setState] = useState<PreviewState>({ status: 'idle' });
  useEffect(() => {
    if (!body.trim() || !locale.trim()) return setState({ status: 'idle' });
    let data: unknown;
    try {
      data = sampleData.trim() ? JSON.parse(sampleData) : {};
    } catch (err) {
      return setState({ status: 'error', message: `Sample data is not JSON: ${(err as Error).message}` });
    }
    const abort = new AbortController();
    setState({ status: 'loading' });
    const timer = setTimeout(() => {
      appRequest<DraftPreview>(NOTIFIER, '/sms/templates/preview', { method: 'POST', body: { body, locale: locale.trim(), data }, signal: abort.signal }).then(
        (preview) => setState({ status: 'ok', preview }),
        (err: Error) => err.name !== 'AbortError' && setState({ status: 'error', message: err.message }),
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [body, locale, sampleData]);

  return (
    <section className="card template-preview" aria-label="Preview" aria-busy={state.status === 'loading'}>
      <h3>Preview</h3>
      {state.status === 'idle' && <p className="muted">Write a text to see it as the recipient will.</p>}
      {state.status === 'error' && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
      {state.status === 'ok' && <PreviewBody preview={state.preview} />}
      {state.status === 'loading' && <p className="muted small">Rendering…</p>}
    </section>
  );
}

function PreviewBody({ preview }: { preview: DraftPreview }) {
  const { sms, email } = preview;
  return (
    <>
      <h4>SMS</h4>
      <p className="sms-bubble" dir="auto">
        {preview.text}
      </p>
      <p className="sms-segments" data-encoding={sms.encoding} data-segments={sms.segments}>
        {sms.encoding} · {sms.segments} {sms.segments === 1 ? 'segment' : 'segments'} · {sms.characters} characters ({sms.perSegment} per segment)
      </p>
      <h4>Email</h4>
      <p>
        <span className="muted small">Subject:</span> <span dir="auto">{email.subject}</span>
      </p>
      {/* No scripts, no navigation, no same origin: the HTML is the template's, shown as a mail client would. */}
      <iframe className="email-frame" title="Email preview" sandbox="" srcDoc={email.html} data-dir={email.dir} />
    </>
  );
}
