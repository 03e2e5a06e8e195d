import { Inject, Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { audiencesOf } from '@app/events';
import { MessageRenderer } from '../messages/message-renderer.service.js';
import { decodeCursor, encodeCursor } from '../query/events-cursor.js';
import type { EventRow } from '../store/stored-event-row.js';
import { envelopeOf } from '../store/stored-envelope.js';
import { FEED_CONFIG, type FeedConfig } from './feed-env.js';
import { FeedTokenError, verifyFeedToken } from './feed-token.js';
import type { FeedQuery } from './feed.query.js';
import { FeedRepository } from './feed.repository.js';

/** One entry of a user's activity page: words and when, never the event's data. */
export interface FeedItem {
  id: string;
  type: string;
  time: string;
  level: string;
  category: string;
  /** The sentence in the language asked for: the event's `usermessage` when it has one. */
  message: string;
  /** The producer's own sentence for the user (`usermessage`), when it gave one. */
  userMessage: string | null;
  lang: 'fa' | 'en';
  dir: 'rtl' | 'ltr';
}

export interface FeedPage {
  items: FeedItem[];
  nextCursor: string | null;
}

/** `GET /events/feed`: what one user may see of the history, behind a signed short-lived token. */
@Injectable()
export class FeedService {
  constructor(
    @Inject(FEED_CONFIG) private readonly config: FeedConfig,
    private readonly feed: FeedRepository,
    private readonly messages: MessageRenderer,
  ) {}

  async read(q: FeedQuery, token: string | undefined): Promise<FeedPage> {
    if (!this.config.secret) throw new ServiceUnavailableException('The user feed is off: set EVENTS_FEED_SECRET (see the event-store README)');
    if (!token) throw new UnauthorizedException('A feed token is required: Authorization: Bearer <token issued for this userId>');
    try {
      verifyFeedToken(this.config.secret, token, q.userId, this.config.maxTtlSeconds);
    } catch (err) {
      if (err instanceof FeedTokenError) throw new UnauthorizedException(`Feed token refused: ${err.message}`);
      throw err;
    }
    const rows = await this.feed.page(q.userId, q.limit + 1, q.cursor === undefined ? undefined : decodeCursor(q.cursor));
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { items: page.map((row) => this.item(row, q.lang)), nextCursor: rows.length > q.limit && last ? encodeCursor({ time: last.time_utc, id: last.id }) : null };
  }

  private item(row: EventRow, lang: 'fa' | 'en'): FeedItem {
    const userMessage = typeof row.extensions?.usermessage === 'string' ? row.extensions.usermessage : null;
    // The stored sentence is the one for the event's first audience; a user reads the user's one.
    const first = audiencesOf(row.audience)[0];
    const stored = row.message !== null && row.message_en !== null && (first === 'user' || first === 'all');
    const m = stored ? { message: row.message!, messageEn: row.message_en!, category: row.category ?? 'Info' } : this.messages.current.render(envelopeOf(row), ['user', 'all']);
    return {
      id: row.id,
      type: row.type,
      time: envelopeOf(row).time,
      level: row.level,
      category: m.category,
      message: userMessage ?? (lang === 'fa' ? m.message : m.messageEn),
      userMessage,
      lang,
      dir: lang === 'fa' ? 'rtl' : 'ltr',
    };
  }
}
