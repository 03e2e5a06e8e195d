import { useState } from 'react';
import { appRequest } from '../api.js';
import { Json } from '../components/Json.js';
import { SchemaEditor } from '../components/SchemaEditor.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/Status.js';
import { useAsync } from '../hooks.js';
import { draftFor, type SchemaDraft } from '../schema-draft.js';

/** The parts of the event store's AsyncAPI 3 document (`GET /events/asyncapi.json`) the page shows. */
interface AsyncApiMessage {
  name: string;
  payload?: { allOf?: Array<{ properties?: { data?: unknown } }> };
  'x-dataschema'?: string;
  'x-schema-version'?: number;
}
interface AsyncApiDoc {
  asyncapi: string;
  info: { title: string; version: string; description?: string };
  servers?: Record<string, { host: string; protocol: string }>;
  channels: Record<string, { address: string; title?: string; description?: string; messages: Record<string, { $ref: string }> }>;
  components: { messages: Record<string, AsyncApiMessage> };
  'x-streams'?: Array<{ name: string; subjects: string[]; maxAge: string; replicas?: number }>;
}

const messageOf = (doc: AsyncApiDoc, ref: string) => doc.components.messages[ref.split('/').pop() ?? ''];

/** The mesh's event catalogue as its AsyncAPI document: each type's subject and data schema, the DLQ and replay channels, the streams. */
export function CataloguePage() {
  const doc = useAsync((signal) => appRequest<AsyncApiDoc>('event-store', '/events/asyncapi.json', { signal }), []);
  const [editor, setEditor] = useState<{ draft: SchemaDraft; editing: boolean } | null>(null);
  const [registered, setRegistered] = useState<string | null>(null);
  const [editError, setEditError] = useState<string | null>(null);
  const edit = (draft: SchemaDraft, editing: boolean) => {
    setRegistered(null);
    setEditError(null);
    setEditor({ draft, editing });
  };
  // The schema exactly as registered (the AsyncAPI document drops root keywords such as $id).
  const editType = (type: string) =>
    appRequest<{ types: Array<{ type: string; schema: { version: number; schema: Record<string, unknown> } | null }> }>('event-store', '/events/schemas').then(
      (catalogue) => {
        const latest = catalogue.types.find((t) => t.type === type)?.schema ?? undefined;
        edit(draftFor(type, latest?.version, latest?.schema), true);
      },
      (err: Error) => setEditError(`Could not read the schema of ${type}: ${err.message}`),
    );
  if (doc.status === 'error') return <section className="page"><ErrorBox error={doc.error} onRetry={doc.reload} title="Could not load the AsyncAPI document" /></section>;
  if (!doc.data) return <section className="page"><Loading what="the catalogue" /></section>;
  const d = doc.data;
  const channels = Object.entries(d.channels);
  const types = channels.filter(([, c]) => c.address.startsWith('events.'));
  const others = channels.filter(([, c]) => !c.address.startsWith('events.'));
  return (
    <section className="page catalogue">
      <p className="muted">
        AsyncAPI {d.asyncapi} · {d.info.title} {d.info.version} · {types.length} event type{types.length === 1 ? '' : 's'}
        {d.servers ? ` · ${Object.values(d.servers).map((s) => `${s.protocol}://${s.host}`).join(', ')}` : ''} · <code>mesh schemas</code> prints the same document
      </p>
      {editError && <Notice kind="error" onClose={() => setEditError(null)}>{editError}</Notice>}
      {registered && <Notice kind="ok" onClose={() => setRegistered(null)}>{registered}</Notice>}
      {editor ? (
        <SchemaEditor
          key={`${editor.draft.type}:${editor.draft.version}`}
          initial={editor.draft}
          editing={editor.editing}
          onCancel={() => setEditor(null)}
          onRegistered={(type, version) => {
            setEditor(null);
            setRegistered(`Registered ${type} version ${version}: producers validate against it now.`);
            doc.reload();
          }}
        />
      ) : (
        <button type="button" className="btn btn-primary" onClick={() => edit(draftFor('', undefined, undefined), false)}>
          Add an event type
        </button>
      )}
      {types.length === 0 && <Empty>No event type yet: none stored and no schema registered.</Empty>}
      <ul className="catalogue-list" aria-label="event types">
        {types.map(([key, c]) => {
          const message = messageOf(d, Object.values(c.messages)[0]?.$ref ?? '');
          const data = message?.payload?.allOf?.[1]?.properties?.data;
          return (
            <li key={key} className="card" data-event-type={message?.name ?? c.title}>
              <h3>
                <code>{message?.name ?? c.title}</code>{' '}
                <button type="button" className="btn btn-small" onClick={() => void editType(message?.name ?? c.title ?? '')}>
                  {message?.['x-dataschema'] ? 'Edit schema' : 'Add a schema'}
                </button>
              </h3>
              <p className="muted small">
                subject <code>{c.address}</code> · {message?.['x-dataschema'] ? `schema ${message['x-dataschema']}` : 'no schema registered'}
              </p>
              {message?.['x-dataschema'] && (
                <details>
                  <summary>data schema (v{message['x-schema-version']})</summary>
                  <Json value={data} />
                </details>
              )}
            </li>
          );
        })}
      </ul>
      <h3>Other channels</h3>
      <ul aria-label="other channels">
        {others.map(([key, c]) => (
          <li key={key}><code>{c.address}</code> <span className="muted small">{c.description}</span></li>
        ))}
      </ul>
      {d['x-streams'] && (
        <>
          <h3>Streams</h3>
          <div className="table-wrap">
            <table className="table" aria-label="streams">
              <thead><tr><th>stream</th><th>subjects</th><th>max age</th><th>replicas</th></tr></thead>
              <tbody>
                {d['x-streams'].map((s) => (
                  <tr key={s.name}><td>{s.name}</td><td><code>{s.subjects.join(' ')}</code></td><td>{s.maxAge}</td><td>{s.replicas ?? '–'}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <details>
        <summary>The whole document (JSON)</summary>
        <Json value={d} />
      </details>
    </section>
  );
}
