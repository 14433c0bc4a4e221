/**
 * The schema's migrations, one list for SQLite and PostgreSQL (Kysely's schema builder writes each dialect's DDL).
 * Append only: a migration that has run somewhere is never edited; change the schema with a new one.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

const MIGRATIONS: Record<string, Migration> = {
  '0001_profiles': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
        .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('read', 'write', 'admin')`))
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('profiles')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('profiles_team_name', ['team_id', 'name'])
        .execute();
      await db.schema
        .createTable('profile_versions')
        .addColumn('profile_id', 'text', (c) => c.notNull().references('profiles.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('fit', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('profile_versions_pk', ['profile_id', 'version'])
        .execute();
      await db.schema
        .createTable('plans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
        .addColumn('profile_id', 'text')
        .addColumn('profile_name', 'text')
        .addColumn('profile_version', 'integer')
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('outcomes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
        .addColumn('profile_id', 'text', (c) => c.notNull().references('profiles.id').onDelete('cascade'))
        .addColumn('plan_id', 'text')
        .addColumn('profile_version', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('outcomes_profile')
        .on('outcomes')
        .columns(['profile_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('headers', 'text')
        .addColumn('body', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['team_id', 'key'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'idempotency_keys',
        'outcomes',
        'plans',
        'profile_versions',
        'profiles',
        'api_keys',
        'teams',
      ])
        await db.schema.dropTable(table).execute();
    },
  },
  // Idempotency records expire (Store.purgeExpiredIdempotencyKeys deletes those older than the retention by
  // created_at); without this index each purge would scan the table.
  '0002_idempotency_keys_created_at': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('idempotency_keys_created_at')
        .on('idempotency_keys')
        .column('created_at')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('idempotency_keys_created_at').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the schema to the latest migration. Kysely's Migrator takes a lock first (on PostgreSQL a session-level
 * advisory lock, pg_advisory_lock, waiting up to an hour), so pods starting together run each migration once; SQLite's
 * writer lock serializes processes sharing the file.
 *
 * On PostgreSQL, `migrationTableSchema` names the schema the tables live in. Kysely then looks for its own
 * bookkeeping tables (kysely_migration, kysely_migration_lock) in that schema. Without it Kysely counts them as present
 * when any schema of the database has them (its introspection lists every schema), skips creating them, and the first
 * migration of a new schema fails with "relation kysely_migration_lock does not exist" beside another deployment, or
 * another application, that uses Kysely in the same database (kysely-org/kysely issue 1214, where the maintainer's
 * answer is this option).
 * @returns the names of the migrations this call ran.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  options: { readonly migrationTableSchema?: string } = {},
): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider, ...options }).migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
