import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { EventStoreClient } from './event-store-client.js';
import type { ToolRunner } from './mcp-tools.js';

const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;
const SUBSCRIPTIONS = '/webhooks/subscriptions';

/**
 * The signing secret is shown once at creation; a model's transcript is logged and shared, so it
 * only ever sees the secret's last four characters (enough to tell two apart).
 */
export const maskSecret = (secret: string): string => `${secret.startsWith('whsec_') ? 'whsec_' : ''}…${secret.slice(-4)}`;

const eventTypes = z.array(z.string().min(1)).min(1).describe('Event types or patterns to deliver: vendor.created, vendor.*, order.>, or * for every event');

/**
 * Webhook subscriptions through the webhook-dispatcher's admin API: list, create, pause / resume,
 * and the delivery log. Writes carry `X-Audit-Actor: mcp:<client>`, so the dispatcher's
 * `audit.subscription_*` events name the assistant's client.
 */
export function registerWebhookTools(server: McpServer, webhooks: EventStoreClient, run: ToolRunner, actor: () => string): void {
  server.registerTool(
    'list_webhooks',
    {
      title: 'List webhook subscriptions',
      description: 'Webhook subscriptions, newest first: url, event types, filter, active or paused (with the reason), failures in a row. Header values and OAuth2 secrets show as <redacted>. Answers { items, nextOffset }; pass nextOffset as offset for the next page, until it is null.',
      inputSchema: {
        active: z.boolean().optional().describe('true: only active ones; false: only paused/disabled ones'),
        limit: z.number().int().min(1).max(MAX_PAGE).optional().describe(`Subscriptions per page, ${DEFAULT_PAGE} by default, at most ${MAX_PAGE}`),
        offset: z.number().int().min(0).optional().describe('nextOffset from the previous page'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ active, limit = DEFAULT_PAGE, offset = 0 }) =>
      run(async () => {
        const page = (await webhooks.get(SUBSCRIPTIONS, { active, limit, offset })) as { items: unknown[] };
        return { items: page.items, nextOffset: page.items.length === limit ? offset + limit : null };
      }),
  );

  server.registerTool(
    'create_webhook',
    {
      title: 'Create a webhook subscription',
      description:
        'Subscribes an HTTPS endpoint to event types: each matching event is POSTed to it, signed (Standard Webhooks), with retries. The url is checked against the SSRF policy. Answers the subscription; its signing secret is shown masked (the endpoint owner reads it in the console or rotates it there). Audited with this client as the actor.',
      inputSchema: {
        name: z.string().min(1).max(200).describe('A name people recognise, e.g. "billing: paid orders"'),
        url: z.string().min(1).max(2048).describe('The endpoint, https://…'),
        eventTypes,
        filter: z.record(z.string(), z.unknown()).optional().describe('Only events whose fields match, e.g. {"data.amount": {"gte": 100}} (see the dispatcher README for operators)'),
        description: z.string().max(2000).optional().describe('What it is for'),
        maxAttempts: z.number().int().min(1).max(100).optional().describe('Attempts per delivery, the first included'),
        timeoutMs: z.number().int().min(1).optional().describe('How long one request may take'),
        active: z.boolean().optional().describe('false creates it paused (deliveries wait); true by default'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args) =>
      run(async () => {
        const created = (await webhooks.post(SUBSCRIPTIONS, args, actor())) as { secret: string };
        return { ...created, secret: maskSecret(created.secret) };
      }),
  );

  server.registerTool(
    'pause_webhook',
    {
      title: 'Pause or resume a webhook subscription',
      description:
        'Pauses a subscription: nothing is sent, and its deliveries wait (status paused) until it is resumed. With resume true it is active again and the waiting deliveries go out in arrival order (or are dropped with dropWaiting). Answers the subscription with waitingDeliveries. Audited with this client as the actor.',
      inputSchema: {
        id: z.string().uuid().describe('The subscription id, from list_webhooks'),
        resume: z.boolean().optional().describe('true resumes a paused subscription; false (the default) pauses it'),
        dropWaiting: z.boolean().optional().describe('With resume: mark the deliveries that waited failed instead of sending them'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    },
    ({ id, resume = false, dropWaiting }) => run(() => webhooks.patch(`${SUBSCRIPTIONS}/${encodeURIComponent(id)}`, { active: resume, ...(dropWaiting === undefined ? {} : { dropWaiting }) }, actor())),
  );

  server.registerTool(
    'webhook_deliveries',
    {
      title: 'Webhook delivery log',
      description:
        'Deliveries newest first, each with its status (pending, paused, succeeded, failed), attempts and the attempt log (response status, first 1 KB of the body, error, duration; signatures and credentials redacted). Answers { items, nextCursor }; pass nextCursor as cursor for the next page, until it is null.',
      inputSchema: {
        subscriptionId: z.string().uuid().optional().describe("One subscription's deliveries"),
        eventId: z.string().optional().describe("One event's deliveries"),
        status: z.enum(['pending', 'paused', 'succeeded', 'failed']).optional().describe('Only deliveries in this state'),
        limit: z.number().int().min(1).max(MAX_PAGE).optional().describe(`Deliveries per page, ${DEFAULT_PAGE} by default, at most ${MAX_PAGE}`),
        cursor: z.string().optional().describe('nextCursor from the previous page'),
      },
      annotations: { readOnlyHint: true },
    },
    (args) => run(() => webhooks.get('/webhooks/deliveries', { ...args, limit: args.limit ?? DEFAULT_PAGE })),
  );
}
