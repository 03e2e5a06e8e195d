import { useState } from 'react';
import { appRequest } from '../../api.js';
import { StatusPill } from '../../components/LevelBadge.js';
import { Empty, ErrorBox, Loading, Notice } from '../../components/Status.js';
import { useAsync } from '../../hooks.js';
import { NOTIFIER, type Rule, type RuleInput } from '../../notification-types.js';
import { quietHoursOf, recipientOf } from '../../rule-form.js';
import { RuleForm } from './RuleForm.js';

const API = '/sms/rules';

/** `user customer.id`, or the number's or address's path in the event. */
function Recipient({ rule }: { rule: Rule }) {
  const { by, path } = recipientOf(rule);
  return (
    <>
      {by === 'user' ? 'user ' : ''}
      <code className="rule-recipient">{path ?? '–'}</code>
    </>
  );
}

/** `/sms/rules`: which events send which template to whom, on which channel. */
export function RulesPanel() {
  const list = useAsync((signal) => appRequest<Rule[]>(NOTIFIER, API, { signal }), []);
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);

  const save = async (rule: Rule | null, body: Partial<RuleInput>) => {
    const saved = await appRequest<Rule>(NOTIFIER, rule ? `${API}/${rule.id}` : API, { method: rule ? 'PATCH' : 'POST', body });
    setEditing(null);
    setNotice({ kind: 'ok', text: `${rule ? 'Saved' : 'Created'} ${saved.name}.` });
    list.reload();
  };
  const remove = async (rule: Rule) => {
    setNotice(null);
    try {
      await appRequest<void>(NOTIFIER, `${API}/${rule.id}`, { method: 'DELETE' });
      setConfirmDelete(null);
      setNotice({ kind: 'ok', text: `Deleted ${rule.name}.` });
      list.reload();
    } catch (err) {
      setNotice({ kind: 'error', text: (err as Error).message });
    }
  };

  const items = list.data ?? [];
  return (
    <div className="page">
      <div className="toolbar">
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} disabled={editing !== null}>
          New rule
        </button>
        <button type="button" className="btn" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {notice && <Notice kind={notice.kind} onClose={() => setNotice(null)}>{notice.text}</Notice>}
      {editing === 'new' && <RuleForm onSave={(body) => save(null, body)} onCancel={() => setEditing(null)} />}
      {list.status === 'error' && <ErrorBox error={list.error} onRetry={list.reload} title="Could not load the rules" />}
      {!list.data && list.status === 'loading' && <Loading what="rules" />}
      {list.data && items.length === 0 && <Empty>No rules: events send nothing. Create one to send a template when an event arrives.</Empty>}
      <ul className="sub-list" aria-label="rules">
        {items.map((r) =>
          editing !== 'new' && editing?.id === r.id ? (
            <li key={r.id}>
              <RuleForm rule={r} onSave={(body) => save(r, body)} onCancel={() => setEditing(null)} />
            </li>
          ) : (
            <li key={r.id} className="card sub-card" data-rule={r.name}>
              <header>
                <h3>{r.name}</h3>
                <span className="inline-form">
                  <span className="pill pill-channel">{r.channel === 'email' ? 'Email' : 'SMS'}</span>
                  {r.urgent && <span className="pill pill-urgent">Urgent</span>}
                  <StatusPill status={r.enabled ? 'active' : 'disabled'} />
                </span>
              </header>
              <p className="clamp">
                <code>{r.eventPattern}</code>
                {r.condition ? (
                  <>
                    {' '}
                    when <code>{r.condition}</code>
                  </>
                ) : null}
              </p>
              <p className="muted small clamp">
                template <code>{r.templateKey}</code> · to <Recipient rule={r} /> · locale {r.localePath ? <code>{r.localePath}</code> : 'fixed'}, else {r.defaultLocale}
              </p>
              {r.quietHours && <p className="muted small clamp rule-quiet">quiet hours {quietHoursOf(r)}</p>}
              <div className="inline-form">
                <button type="button" className="btn btn-small" onClick={() => setEditing(r)}>
                  Edit
                </button>
                {confirmDelete === r.id ? (
                  <>
                    <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(r)}>
                      Delete {r.name} for good
                    </button>
                    <button type="button" className="btn btn-small" onClick={() => setConfirmDelete(null)}>
                      Keep it
                    </button>
                  </>
                ) : (
                  <button type="button" className="btn btn-small btn-danger" onClick={() => setConfirmDelete(r.id)}>
                    Delete…
                  </button>
                )}
              </div>
            </li>
          ),
        )}
      </ul>
    </div>
  );
}
