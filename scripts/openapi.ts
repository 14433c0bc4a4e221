/**
 * Writes openapi/openapi.json from the app's routes: `npx tsx scripts/openapi.ts` (npm run openapi:write). First it
 * sends every example request of the document to the app and stores the answers, abbreviated, as the response
 * examples (src/api/generated/responseExamples.json); then, in a fresh process that loads them, it writes the
 * document. With --check (npm run openapi:check) it writes nothing and exits 1 when the committed document differs
 * from what the app generates, so CI catches a route change without a regenerated document.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { abbreviateExample } from '../src/api/examples.js';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { exampleExchanges } from './exampleExchanges.js';

export const OPENAPI_PATH = fileURLToPath(new URL('../openapi/openapi.json', import.meta.url));
export const RESPONSE_EXAMPLES_PATH = fileURLToPath(
  new URL('../src/api/generated/responseExamples.json', import.meta.url),
);

/** Each /v1 operation's example request, answered by the app (laws and ensemble ready), abbreviated. */
async function generateResponseExamplesText(): Promise<string> {
  // Load shedding off: a busy start-up (the ensemble is fitted right after ready) must not refuse the examples.
  const app = await buildApp({
    config: loadConfig({
      LOG_LEVEL: 'silent',
      RATE_LIMIT_ENABLED: 'false',
      UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      MEMORY_LIMIT_MIB: '8192',
    }),
  });
  try {
    await app.ready();
    while (app.readiness.pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const examples: Record<string, unknown> = {};
    for (const exchange of exampleExchanges(app.swagger() as Parameters<typeof exampleExchanges>[0])) {
      if (!exchange.url.startsWith('/v1/')) continue;
      const response = await app.inject({
        method: exchange.method,
        url: exchange.url,
        ...(exchange.payload !== undefined && { payload: exchange.payload as object }),
      });
      if (response.statusCode !== 200)
        throw new Error(
          `${exchange.operationId}: the example request answered ${response.statusCode}: ${response.body}`,
        );
      examples[exchange.operationId] = abbreviateExample(response.json());
    }
    return `${JSON.stringify(examples, null, 2)}\n`;
  } finally {
    await app.close();
  }
}

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
  if (!check && !process.argv.includes('--document-only')) {
    await writeFile(RESPONSE_EXAMPLES_PATH, await generateResponseExamplesText());
    console.log(`wrote ${RESPONSE_EXAMPLES_PATH}`);
    // This process loaded the old examples with the routes: the document is written by one that loads the new ones.
    execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--document-only'], {
      stdio: 'inherit',
    });
    return 0;
  }
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
