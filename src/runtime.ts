/**
 * Which Node runs scaleplan, checked by the entries before they load anything else. The embedded database is
 * node:sqlite, built into Node without a flag from 22.13.0 and 23.4.0 (Node's changelog for node:sqlite: "SQLite is
 * unflagged", v23.4.0 and v22.13.0); on an older Node the first import of it fails with "No such built-in module",
 * which says nothing of what to do. `npm start`, `npm test` and `npx scaleplan` run the project's own Node 26 (the `node`
 * package in devDependencies, first on their PATH).
 */

/** The first minor of each release line with node:sqlite unflagged; every line after the last listed has it. */
const FIRST_MINOR_WITH_SQLITE: Readonly<Record<number, number>> = { 22: 13, 23: 4 };
const FIRST_MAJOR_WITH_SQLITE_THROUGHOUT = 24;

/** What to tell someone running `version` (process.versions.node, e.g. "20.20.2"), or undefined when it is supported. */
export function unsupportedNodeMessage(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const firstMinor = FIRST_MINOR_WITH_SQLITE[major];
  if (major >= FIRST_MAJOR_WITH_SQLITE_THROUGHOUT || (firstMinor !== undefined && minor >= firstMinor))
    return undefined;
  return (
    `scaleplan needs Node 22.13 or newer (its embedded database is node:sqlite); this is Node ${version}. ` +
    "`npm start` and `npx scaleplan` run the project's own Node 26 (the npm package `node`, installed by `npm ci`)."
  );
}
