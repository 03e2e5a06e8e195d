import { useState } from 'react';
import { appRequest } from '../api.js';
import { useAsync } from '../hooks.js';
import type { Subscription } from '../types.js';
import { DeliveriesPanel } from './webhooks/DeliveriesPanel.js';
import { SubscriptionsPanel } from './webhooks/SubscriptionsPanel.js';
import { TestPanel } from './webhooks/TestPanel.js';

const TABS = ['Subscriptions', 'Test', 'Deliveries'] as const;

/** The webhook-dispatcher's API: subscriptions, a test send, and the delivery log. */
export function WebhooksPage() {
  const [tab, setTab] = useState<(typeof TABS)[number]>('Subscriptions');
  const list = useAsync((signal) => appRequest<{ items: Subscription[] }>('webhook-dispatcher', '/webhooks/subscriptions?limit=100', { signal }), []);
  const subscriptions = list.data?.items ?? [];
  return (
    <section className="page">
      <div className="segmented" role="tablist" aria-label="Webhooks">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={`btn${tab === t ? ' active' : ''}`} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </div>
      {tab === 'Subscriptions' && <SubscriptionsPanel list={list} />}
      {tab === 'Test' && <TestPanel subscriptions={subscriptions} />}
      {tab === 'Deliveries' && <DeliveriesPanel subscriptions={subscriptions} />}
    </section>
  );
}
