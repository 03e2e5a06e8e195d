import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CLIENT_KEY_PREFIX_LENGTH, clientKeyHash, type ClientKeyView } from './client-key.js';

interface ClientKeyRow {
  id: string;
  name: string;
  key_prefix: string;
  origins: string[];
  types: string[];
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, key_prefix, origins, types, created_at, revoked_at';

const view = (r: ClientKeyRow): ClientKeyView => ({
  id: r.id,
  name: r.name,
  keyPrefix: r.key_prefix,
  origins: r.origins,
  types: r.types,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

export class ClientKeyNameTaken extends Error {}

/** The `client_keys` table. Read on every client request (no cache), so a revocation takes effect at once on every replica. */
@Injectable()
export class ClientKeysRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(input: { name: string; key: string; origins: string[]; types: string[] }): Promise<ClientKeyView> {
    try {
      const rows = await this.db.query<ClientKeyRow[]>(
        `INSERT INTO client_keys (id, name, key_hash, key_prefix, origins, types) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [randomUUID(), input.name, clientKeyHash(input.key), input.key.slice(0, CLIENT_KEY_PREFIX_LENGTH), input.origins, input.types],
      );
      return view(rows[0]);
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw new ClientKeyNameTaken(input.name);
      throw err;
    }
  }

  async list(): Promise<ClientKeyView[]> {
    return (await this.db.query<ClientKeyRow[]>(`SELECT ${COLUMNS} FROM client_keys ORDER BY created_at DESC, id`)).map(view);
  }

  async get(id: string): Promise<ClientKeyView | undefined> {
    const rows = await this.db.query<ClientKeyRow[]>(`SELECT ${COLUMNS} FROM client_keys WHERE id = $1`, [id]);
    return rows[0] && view(rows[0]);
  }

  /** The key with this secret, revoked or not (the caller tells the two apart). */
  async byKey(key: string): Promise<ClientKeyView | undefined> {
    const rows = await this.db.query<ClientKeyRow[]>(`SELECT ${COLUMNS} FROM client_keys WHERE key_hash = $1`, [clientKeyHash(key)]);
    return rows[0] && view(rows[0]);
  }

  /** Whether any live key allows this origin (for a preflight that does not name its key). */
  async originAllowed(origin: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM client_keys WHERE revoked_at IS NULL AND $1 = ANY(origins) LIMIT 1`, [origin]);
    return rows.length > 0;
  }

  /** Marks the key revoked; returns it as it was before, or undefined when there is no live key with that id. */
  async revoke(id: string): Promise<{ before: ClientKeyView; after: ClientKeyView } | undefined> {
    const before = await this.get(id);
    if (!before || before.revokedAt) return undefined;
    // As a CTE, so the driver answers rows (an UPDATE alone comes back as [rows, count]).
    const rows = await this.db.query<ClientKeyRow[]>(`WITH u AS (UPDATE client_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}) SELECT * FROM u`, [id]);
    return rows[0] ? { before, after: view(rows[0]) } : undefined;
  }
}
