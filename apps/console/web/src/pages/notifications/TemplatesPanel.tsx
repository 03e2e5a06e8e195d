import { type FormEvent, useState } from 'react';
import { appRequest } from '../../api.js';
import { Empty, ErrorBox, Loading, Notice } from '../../components/Status.js';
import { useAsync } from '../../hooks.js';
import { NOTIFIER, type Template } from '../../notification-types.js';
import { TemplatePreview } from './TemplatePreview.js';

const API = '/sms/templates';

/** `/sms/templates`: the texts rules send, one per key and locale, edited with a live preview. */
export function TemplatesPanel() {
  const list = useAsync((signal) => appRequest<Template[]>(NOTIFIER, API, { signal }), []);
  const [editing, setEditing] = useState<Template | 'new' | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const items = list.data ?? [];

  const saved = (text: string) => {
    setEditing(null);
    setNotice({ kind: 'ok', text });
    list.reload();
  };

  return (
    <div className="page">
      <div className="toolbar">
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} disabled={editing === 'new'}>
          New template
        </button>
        <button type="button" className="btn" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {notice && <Notice kind={notice.kind} onClose={() => setNotice(null)}>{notice.text}</Notice>}
      {editing && <TemplateEditor key={editing === 'new' ? 'new' : `${editing.key}/${editing.locale}`} template={editing === 'new' ? undefined : editing} onDone={saved} onCancel={() => setEditing(null)} />}
      {list.status === 'error' && <ErrorBox error={list.error} onRetry={list.reload} title="Could not load the templates" />}
      {!list.data && list.status === 'loading' && <Loading what="templates" />}
      {list.data && items.length === 0 && <Empty>No templates yet. Create one; rules name it by its key.</Empty>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="templates">
            <thead>
              <tr>
                <th>Key</th>
                <th>Locale</th>
                <th>Text</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((t) => (
                <tr key={`${t.key}/${t.locale}`} data-template={`${t.key}/${t.locale}`}>
                  <td>
                    <code>{t.key}</code>
                  </td>
                  <td>{t.locale}</td>
                  <td className="template-text" dir="auto">
                    {t.body}
                  </td>
                  <td>
                    <button type="button" className="btn btn-small" onClick={() => setEditing(t)} aria-label={`Edit ${t.key} ${t.locale}`}>
                      Edit
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** One text: key and locale (fixed once saved), body and sample data, saved with PUT; the preview follows each keystroke. */
function TemplateEditor({ template, onDone, onCancel }: { template?: Template; onDone: (text: string) => void; onCancel: () => void }) {
  const [key, setKey] = useState(template?.key ?? '');
  const [locale, setLocale] = useState(template?.locale ?? 'fa');
  const [body, setBody] = useState(template?.body ?? '');
  const [sampleData, setSampleData] = useState(template ? JSON.stringify(template.sampleData, null, 2) : '{\n  "orderId": 1042\n}');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const path = `${API}/${encodeURIComponent(key.trim())}/${encodeURIComponent(locale.trim())}`;

  const run = async (work: () => Promise<string>) => {
    setError(null);
    setBusy(true);
    try {
      onDone(await work());
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      let data: unknown;
      try {
        data = JSON.parse(sampleData);
      } catch (err) {
        throw new Error(`Sample data is not JSON: ${(err as Error).message}`);
      }
      await appRequest<Template>(NOTIFIER, path, { method: 'PUT', body: { body, sampleData: data } });
      return `Saved ${key.trim()} (${locale.trim()}).`;
    });
  };
  const remove = () =>
    run(async () => {
      await appRequest<void>(NOTIFIER, path, { method: 'DELETE' });
      return `Deleted ${key} (${locale}).`;
    });

  return (
    <div className="template-editor">
      <form className="card form-grid" onSubmit={save} aria-label={template ? `Edit ${template.key} ${template.locale}` : 'New template'}>
        <label>
          Key
          <input name="templateKey" value={key} onChange={(e) => setKey(e.target.value)} placeholder="order_confirmation" disabled={!!template} required />
        </label>
        <label>
          Locale
          <input name="locale" value={locale} onChange={(e) => setLocale(e.target.value)} placeholder="fa, en" disabled={!!template} required />
        </label>
        <label className="wide">
          Text (Mustache: {'{{orderId}}'}; for email the first line is the subject)
          <textarea name="body" rows={4} dir="auto" value={body} onChange={(e) => setBody(e.target.value)} required />
        </label>
        <label className="wide">
          Sample data (JSON: a value for every placeholder)
          <textarea name="sampleData" rows={3} value={sampleData} onChange={(e) => setSampleData(e.target.value)} />
        </label>
        {error && (
          <div className="wide">
            <Notice kind="error">{error}</Notice>
          </div>
        )}
        <div className="wide inline-form">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save template'}
          </button>
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          {template &&
            (confirmDelete ? (
              <>
                <button type="button" className="btn btn-danger" onClick={() => void remove()}>
                  Delete {template.key} ({template.locale}) for good
                </button>
                <button type="button" className="btn" onClick={() => setConfirmDelete(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button type="button" className="btn btn-danger" onClick={() => setConfirmDelete(true)}>
                Delete…
              </button>
            ))}
        </div>
      </form>
      <TemplatePreview body={body} locale={locale} sampleData={sampleData} />
    </div>
  );
}
