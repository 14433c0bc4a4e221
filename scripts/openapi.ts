/**
 * Writes openapi/openapi.json from the app's routes: `npx tsx scripts/openapi.ts` (npm run openapi:write). With
 * --check (npm run openapi:check) it writes nothing and exits 1 when the committed file differs from what the app
 * generates, so CI catches a route change without a regenerated document.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';

export const OPENAPI_PATH = fileURLToPath(new URL('../openapi/openapi.json', import.meta.url));

/** The document as committed: 2-space JSON with a final newline. */
export async function generateOpenApiText(): Promise<string> {
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }) });
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

async function main(check: boolean): Promise<number> {
  const generated = await generateOpenApiText();
  if (!check) {
    await writeFile(OPENAPI_PATH, generated);
    console.log(`wrote ${OPENAPI_PATH}`);
    return 0;
  }
  const committed = await readFile(OPENAPI_PATH, 'utf8').catch(() => '');
  if (committed === generated) {
    console.log(`${OPENAPI_PATH} is up to date`);
    return 0;
  }
  console.error(`${OPENAPI_PATH} differs from the routes; run npm run openapi:write and commit the result`);
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.includes('--check'));
}
