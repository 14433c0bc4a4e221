/**
 * The CLI's commands against the database the server uses (DATA_DIR or DATABASE_URL, read as the server reads them):
 * `keys create|revoke|list`, `migrate`, and `profiles export|import`, which move a team's profiles, every version with
 * its runs and fit, between deployments as one JSON document.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { FitsResponseSchema } from '../api/fits/schemas.js';
import { ProfileNameSchema } from '../api/profileReference.js';
import { ProfileUpdateSchema } from '../api/profiles.js';
import { ConfigError, loadConfig } from '../config.js';
import { PlannerInputError } from '../core/errors.js';
import { customLossSurface } from '../core/planner/customLaw.js';
import type { CustomLaw } from '../core/planner/request.js';
import { SCOPES, type Scope } from '../storage/apiKeys.js';
import { openDatabase } from '../storage/database.js';
import { Store } from '../storage/store.js';
import type { CliOutput } from './output.js';

export const STORAGE_COMMANDS = new Set(['keys', 'migrate', 'profiles']);

export const STORAGE_USAGE = `Commands on the database (DATA_DIR, or DATABASE_URL for PostgreSQL, as the server reads them):
  migrate                                   Bring the schema to the latest migration (the server also does at start).
  keys create --team NAME --scope SCOPE     Create an API key (scope ${SCOPES.join(' | ')}); the key is printed once,
                                            alone on the last line, and stored only as a hash.
  keys revoke <key-id | key>                Revoke a key.
  keys list [--team NAME] [--json]          Keys, their teams, scopes and revocation (never the secrets).
  profiles export --team NAME [--output F]  The team's profiles, every version, as JSON (stdout by default, or -).
  profiles import --team NAME [--input F]   Create the profiles of an export (stdin by default, or -) in the team, each
                                            version with its runs, fit and creation time; a profile whose name the
                                            team already has is skipped, saying so.
`;

const EXPORT_FORMAT = 'scaleplan-profiles';

const ExportSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  formatVersion: z.literal(1),
  team: z.string(),
  exportedAt: z.string(),
  profiles: z.array(
    z.strictObject({
      name: ProfileNameSchema,
      versions: z
        .array(
          z.strictObject({
            version: z.number().int().min(1),
            // Written back as toISOString writes it, so that versions sort by it as text like any other.
            createdAt: z.iso.datetime({ offset: true }).transform((at) => new Date(at).toISOString()),
            input: ProfileUpdateSchema,
            fit: FitsResponseSchema.loose(),
          }),
        )
        .min(1),
    }),
  ),
});

class CommandError extends Error {}

/**
 * An export's versions must be 1 to n, each once (versions are never deleted, so any export has them so), and each
 * version's law one the planner takes (customLossSurface's check, as a plan with `law` gets it), so that planning
 * against an imported profile never meets a law the planner refuses.
 */
function checkImportedVersions(
  name: string,
  versions: readonly { version: number; fit: { law?: unknown } }[],
): void {
  const numbers = versions.map((v) => v.version).sort((a, b) => a - b);
  if (numbers.some((version, i) => version !== i + 1))
    throw new CommandError(
      `profile ${name}: versions must be 1 to ${numbers.length}, each once; got ${numbers.join(', ')}`,
    );
  for (const { version, fit } of versions) {
    try {
      customLossSurface(fit.law as CustomLaw);
    } catch (error) {
      if (!(error instanceof PlannerInputError)) throw error;
      throw new CommandError(`profile ${name} version ${version}: fit.${error.field}: ${error.message}`);
    }
  }
}

/** The command's flags; an argument beyond the `positionals` it takes is refused (`keys list vision` meant --team). */
function options(
  argv: readonly string[],
  spec: Record<string, { type: 'string' | 'boolean' }>,
  positionals = 0,
) {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof spec; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: spec, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CommandError(error instanceof Error ? error.message : String(error));
  }
  const extra = parsed.positionals.slice(positionals);
  if (extra.length > 0)
    throw new CommandError(
      `unexpected argument ${JSON.stringify(extra[0])}${'team' in spec ? ' (a team is given as --team NAME)' : ''}`,
    );
  return parsed;
}

function required(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new CommandError(`${flag} is required`);
  return value;
}

/** A team's name, held to a profile name's rule, so it prints on one line as typed. */
function teamName(value: string | boolean | undefined): string {
  const name = required(value, '--team');
  const checked = ProfileNameSchema.safeParse(name);
  if (!checked.success)
    throw new CommandError(`--team ${checked.error.issues[0]?.message}; got ${JSON.stringify(name)}`);
  return name;
}

/** A file's text, or standard input's for `-` or none; a file that cannot be read names the flag (exit 2). */
function readInput(file: string | boolean | undefined, flag: string): string {
  const path = typeof file === 'string' && file !== '-' ? file : undefined;
  try {
    return readFileSync(path ?? 0, 'utf8');
  } catch (error) {
    throw new CommandError(`${flag}: cannot read ${path ?? 'standard input'}: ${(error as Error).message}`);
  }
}

async function withStore<T>(
  env: Readonly<Record<string, string | undefined>>,
  use: (store: Store) => Promise<T>,
) {
  const config = loadConfig(env);
  const database = openDatabase({
    databaseUrl: config.storage.databaseUrl,
    dataDir: config.storage.dataDir,
    poolSize: 2,
  });
  try {
    await database.migrate();
    return await use(new Store(database));
  } finally {
    await database.close();
  }
}

async function execute(
  argv: readonly string[],
  out: CliOutput,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'migrate') {
    if (sub !== undefined) throw new CommandError('migrate takes no arguments');
    const config = loadConfig(env);
    const database = openDatabase({
      databaseUrl: config.storage.databaseUrl,
      dataDir: config.storage.dataDir,
    });
    try {
      const ran = await database.migrate();
      out.stdout(
        ran.length === 0
          ? `${database.location}: schema up to date\n`
          : `${database.location}: ran ${ran.join(', ')}\n`,
      );
    } finally {
      await database.close();
    }
    return 0;
  }
  if (command === 'keys' && sub === 'create') {
    const { values } = options(rest, { team: { type: 'string' }, scope: { type: 'string' } });
    const team = teamName(values.team);
    const scope = required(values.scope, '--scope');
    if (!(SCOPES as readonly string[]).includes(scope))
      throw new CommandError(`--scope must be one of ${SCOPES.join(', ')}`);
    const key = await withStore(env, (store) => store.createKey(team, scope as Scope));
    out.stdout(
      `Created key ${key.id} for team ${key.team} with scope ${key.scope}. It is shown once; send it as Authorization: Bearer <key>.\n${key.token}\n`,
    );
    return 0;
  }
  if (command === 'keys' && sub === 'revoke') {
    const { positionals } = options(rest, {}, 1);
    if (positionals.length !== 1) throw new CommandError('keys revoke takes one key id (or the key)');
    const revoked = await withStore(env, (store) => store.revokeKey(positionals[0] as string));
    if (!revoked) throw new CommandError('no such key, or it is revoked already');
    out.stdout('Revoked.\n');
    return 0;
  }
  if (command === 'keys' && sub === 'list') {
    const { values } = options(rest, { team: { type: 'string' }, json: { type: 'boolean' } });
    const keys = await withStore(env, (store) =>
      store.listKeys(typeof values.team === 'string' ? values.team : undefined),
    );
    if (values.json === true) out.stdout(`${JSON.stringify(keys, null, 2)}\n`);
    else
      for (const key of keys)
        out.stdout(
          `${key.id}  ${key.team}  ${key.scope}  created ${key.createdAt}${key.revokedAt ? `  revoked ${key.revokedAt}` : ''}\n`,
        );
    return 0;
  }
  if (command === 'profiles' && sub === 'export') {
    const { values } = options(rest, { team: { type: 'string' }, output: { type: 'string' } });
    const team = teamName(values.team);
    const document = await withStore(env, async (store) => {
      const teamId = await store.teamId(team);
      if (teamId === undefined) throw new CommandError(`no team named ${JSON.stringify(team)}`);
      const profiles = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.listProfiles(teamId, after, 100);
        for (const head of page) {
          const versions = await store.profileVersions(teamId, head.name);
          profiles.push({
            name: head.name,
            versions: versions.map((v) => ({
              version: Number(v.version),
              createdAt: v.versionCreatedAt,
              input: JSON.parse(v.input) as unknown,
              fit: JSON.parse(v.fit) as unknown,
            })),
          });
        }
        if (page.length < 100) break;
        after = page.at(-1)?.name;
      }
      return {
        format: EXPORT_FORMAT,
        formatVersion: 1,
        team,
        exportedAt: new Date().toISOString(),
        profiles,
      };
    });
    const text = `${JSON.stringify(document, null, 2)}\n`;
    if (typeof values.output === 'string' && values.output !== '-')
      try {
        writeFileSync(values.output, text);
      } catch (error) {
        throw new CommandError(`--output: cannot write ${values.output}: ${(error as Error).message}`);
      }
    else out.stdout(text);
    return 0;
  }
  if (command === 'profiles' && sub === 'import') {
    const { values } = options(rest, { team: { type: 'string' }, input: { type: 'string' } });
    const team = teamName(values.team);
    const text = readInput(values.input, '--input');
    let parsed: z.infer<typeof ExportSchema>;
    try {
      parsed = ExportSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new CommandError(
        `not a profiles export: ${error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message}`,
      );
    }
    // Checked whole before anything is written: a refused document imports nothing.
    for (const profile of parsed.profiles) checkImportedVersions(profile.name, profile.versions);
    await withStore(env, async (store) => {
      const teamId = await store.ensureTeam(team);
      for (const profile of parsed.profiles) {
        const [first, ...later] = [...profile.versions].sort((a, b) => a.version - b.version);
        if (first === undefined) continue;
        const created = await store.createProfile(
          teamId,
          profile.name,
          JSON.stringify(first.input),
          JSON.stringify(first.fit),
          first.createdAt,
        );
        if (created === undefined) {
          out.stderr(`skipped ${profile.name}: team ${team} already has a profile of that name\n`);
          continue;
        }
        let version = 1;
        for (const next of later) {
          const updated = await store.updateProfile(
            teamId,
            profile.name,
            version,
            JSON.stringify(next.input),
            JSON.stringify(next.fit),
            next.createdAt,
          );
          if (typeof updated !== 'object') throw new Error(`importing ${profile.name}: ${updated}`);
          version = updated.version;
        }
        out.stdout(`imported ${profile.name} (${version} version${version === 1 ? '' : 's'})\n`);
      }
    });
    return 0;
  }
  throw new CommandError(`unknown command ${JSON.stringify([command, sub].filter(Boolean).join(' '))}`);
}

/** Runs a storage command; exit 0, 2 for bad usage or configuration (reason on stderr), 1 for anything else. */
export async function runStorageCommand(
  argv: readonly string[],
  out: CliOutput,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  try {
    return await execute(argv, out, env);
  } catch (error) {
    if (error instanceof CommandError || error instanceof ConfigError) {
      out.stderr(`scaleplan ${argv.slice(0, 2).join(' ')}: ${error.message}\n${STORAGE_USAGE}`);
      return 2;
    }
    out.stderr(
      `scaleplan ${argv.slice(0, 2).join(' ')}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}
