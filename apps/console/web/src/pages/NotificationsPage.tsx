import { useState } from 'react';
import { MessagesPanel } from './notifications/MessagesPanel.js';
import { RulesPanel } from './notifications/RulesPanel.js';
import { TemplatesPanel } from './notifications/TemplatesPanel.js';
import '../notifications.css';

const TABS = ['Rules', 'Templates', 'Messages'] as const;

/** The sms-notifier's rules, templates (with a live preview) and recent messages per channel. */
export function NotificationsPage() {
  const [tab, setTab] = useState<(typeof TABS)[number]>('Rules');
  return (
    <section className="page">
      <div className="segmented" role="tablist" aria-label="Notifications">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={`btn${tab === t ? ' active' : ''}`} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </div>
      {tab === 'Rules' && <RulesPanel />}
      {tab === 'Templates' && <TemplatesPanel />}
      {tab === 'Messages' && <MessagesPanel />}
    </section>
  );
}
