import { createEnvelope } from '@app/events';
import { matchingSubscriptions, type MatchableSubscription } from './subscription-matcher.js';

const sub = (id: string, event_types: string[], filter: MatchableSubscription['filter'] = null): MatchableSubscription => ({ id, event_types, filter, max_attempts: 3 });

describe('matchingSubscriptions', () => {
  const subs = [
    sub('exact', ['vendor.created']),
    sub('one-token', ['vendor.*']),
    sub('tail', ['order.>']),
    sub('all', ['>']),
    sub('big-orders', ['order.paid'], { total: { gte: 100 } }),
  ];
  const ids = (type: string, data: unknown = {}) => matchingSubscriptions(createEnvelope(type, data, 'test'), subs).map((s) => s.id);

  it('selects by exact type, * (one token), > (the rest) and all', () => {
    expect(ids('vendor.created')).toEqual(['exact', 'one-token', 'all']);
    expect(ids('vendor.updated')).toEqual(['one-token', 'all']);
    expect(ids('order.item.added')).toEqual(['tail', 'all']);
    expect(ids('user.created')).toEqual(['all']);
  });

  it('applies the filter to the data', () => {
    expect(ids('order.paid', { total: 150 })).toEqual(['tail', 'all', 'big-orders']);
    expect(ids('order.paid', { total: 50 })).toEqual(['tail', 'all']);
  });
});
