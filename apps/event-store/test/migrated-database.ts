import { DataSource, MigrationInterface } from 'typeorm';

/** A test database taken through a given list of migrations, again and again (a new DataSource each time). */
export class MigratedDatabase {
  ds?: DataSource;

  constructor(private readonly url: string) {}

  /** Every migration of `migrations` applied; returns the DataSource that knows them (for `undoLastMigration`). */
  async migrateTo(migrations: (new () => MigrationInterface)[]): Promise<DataSource> {
    await this.ds?.destroy();
    this.ds = new DataSource({ type: 'postgres', url: this.url, migrations });
    await this.ds.initialize();
    await this.ds.runMigrations();
    return this.ds;
  }

  async destroy(): Promise<void> {
    await this.ds?.destroy();
  }
}
