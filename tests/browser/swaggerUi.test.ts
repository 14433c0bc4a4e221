/**
 * Swagger UI end to end: headless Chromium (driven by playwright-core) opens /docs, expands POST /v1/plans, clicks
 * "Try it out", keeps the example body, clicks "Execute" and reads back what Swagger UI rendered. Oracles, none of
 * them the planner's own output: the status code Swagger UI draws from the live response; invariants the request
 * itself fixes (the example budget bounds every cost; constraints.minEpochs bounds the epochs; hardware.cores gives
 * wall-clock = cost / cores); the paper's stated facts (learning rates on a factor-2 grid below 1.6, the NFNet variant
 * names F0 to F7+); the rendered JSON equals what the server answers the same body over app.inject (so the browser
 * shows the response whole); and the browser itself reporting no console error, uncaught page error, failed request or
 * Content-Security-Policy violation (`securitypolicyviolation` events, recorded from before any page script runs).
 *
 * The app is buildTestApp() listening on 127.0.0.1:0 rather than a spawned `src/server.ts`: it is the same buildApp()
 * with the same plugins (helmet, docs, routes) that the entry point calls, and Chromium reaches it over a real socket,
 * but it needs no build step or tsx child process, can be closed for certain in afterAll, and checks every response
 * against its zod schema. The entry point adds only reading process.env and the shutdown hooks, tested elsewhere.
 *
 * The screenshot of the executed operation goes to test-results/swagger-ui-try-it-out.png (its path is printed).
 * Without Chromium the suite is skipped, saying why, but only outside CI: with CI set it fails instead.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../http/helpers.js';
import { CHROMIUM_ARGS, chromiumOrSkip } from './chromium.js';
import { decodePng } from './png.js';

/** Long enough for a slow two-core machine: Swagger UI's bundle, the OpenAPI document and one plan. */
const TEST_TIMEOUT_MS = 90_000;
/** Each browser wait gives up before the test's own timeout, so a failure names the step that hung. */
const STEP_TIMEOUT_MS = 60_000;
const VIEWPORT = { width: 1280, height: 900 };
/** Swagger UI's POST operation colour, drawn on the operation's summary bar. */
const SWAGGER_POST_GREEN = '#49cc90';
/** Smith et al. 2023: the short-run learning rate 1.6, searched on a factor-2 grid. */
const PAPER_BASE_LEARNING_RATE = 1.6;
/** The paper's NFNet variants, F0 to F7 and their "+" versions. */
const NFNET_NAME = /^F[0-7]\+?$/;

const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));
const SCREENSHOT_FILE = join(RESULTS_DIR, 'swagger-ui-try-it-out.png');
const FAILURE_SCREENSHOT_FILE = join(RESULTS_DIR, 'swagger-ui-try-it-out-failure.png');

const executablePath = chromiumOrSkip('tests/browser/swaggerUi.test.ts');

/**
 * Runs in the page before its own scripts (a string: tsconfig has no DOM types). Chromium fires
 * `securitypolicyviolation` for every resource or inline script a Content-Security-Policy blocks.
 */
const VIOLATION_RECORDER = `
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.cspViolations.push(event.violatedDirective + ' blocked ' + event.blockedURI);
  });
`;

/** What the browser saw and Swagger UI rendered, gathered once by the try-it-out run in beforeAll. */
interface Run {
  requestBody: unknown;
  renderedStatus: string;
  renderedBodyText: string;
  consoleErrors: string[];
  cspMessages: string[];
  cspViolations: string[];
  pageErrors: string[];
  failedRequests: string[];
}

interface Configuration {
  model: { name: string; costPerEpochTpuV4CoreHours: number };
  epochs: number;
  learningRate: { value: number; trials: number[] };
  costTpuV4CoreHours: number;
  wallClockHours?: number;
}

interface PlanBody {
  budget: { tpuV4CoreHours: number };
  recommendation: Configuration;
  alternatives: Configuration[];
}

/** True when lr = 1.6 / 2^k for a whole k >= 0. */
function onPaperGrid(learningRate: number): boolean {
  const halvings = Math.log2(PAPER_BASE_LEARNING_RATE / learningRate);
  return halvings >= -1e-9 && Math.abs(halvings - Math.round(halvings)) < 1e-9;
}

describe.skipIf(executablePath === undefined)(
  executablePath === undefined
    ? 'Swagger UI try-it-out: SKIPPED, no Chromium (see the warning above)'
    : 'Swagger UI: POST /v1/plans try-it-out in Chromium',
  () => {
    let app: FastifyInstance | undefined;
    let browser: Browser | undefined;
    let run: Run;

    /** Drives Swagger UI through try-it-out; everything it reads is kept in `run` for the tests below. */
    async function tryItOut(page: Page, base: string): Promise<Run> {
      const seen: Omit<Run, 'requestBody' | 'renderedStatus' | 'renderedBodyText' | 'cspViolations'> = {
        consoleErrors: [],
        cspMessages: [],
        pageErrors: [],
        failedRequests: [],
      };
      page.on('console', (message) => {
        if (message.type() === 'error') seen.consoleErrors.push(message.text());
        if (/content security policy/i.test(message.text())) seen.cspMessages.push(message.text());
      });
      page.on('pageerror', (error) => seen.pageErrors.push(error.message));
      page.on('requestfailed', (request) =>
        seen.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`),
      );
      // Registered before Swagger UI's scripts run, so a violation while loading them is recorded too.
      await page.addInitScript(VIOLATION_RECORDER);
      await page.goto(`${base}/docs`, { waitUntil: 'load' });
      // Operation ids are `operations-<tag>-<operationId>`: tag `plans` (docs.ts TAGS), operationId `createPlan`.
      const operation = page.locator('#operations-plans-createPlan');
      await operation.locator('.opblock-summary').click();
      await operation.locator('.try-out__btn').click();
      const bodyEditor = operation.locator('textarea.body-param__text');
      const requestBody: unknown = JSON.parse(await bodyEditor.inputValue());
      await operation.locator('button.execute').click();

      // The header row shares the status cell's class; the live response is the body row.
      const liveResponse = operation.locator('.live-responses-table tbody tr.response').first();
      const status = liveResponse.locator('.response-col_status');
      await status.waitFor({ state: 'visible' });
      const renderedStatus = ((await status.textContent()) ?? '').trim();
      const renderedBodyText =
        (await liveResponse.locator('.highlight-code pre').first().textContent()) ?? '';

      await liveResponse.scrollIntoViewIfNeeded();
      await page.screenshot({ path: SCREENSHOT_FILE, fullPage: true });
      console.info(`Swagger UI try-it-out screenshot: ${SCREENSHOT_FILE}`);

      const cspViolations = (await page.evaluate('window.cspViolations')) as string[];
      return { ...seen, requestBody, renderedStatus, renderedBodyText, cspViolations };
    }

    beforeAll(async () => {
      mkdirSync(RESULTS_DIR, { recursive: true });
      app = await buildTestApp();
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      browser = await chromium.launch({
        executablePath,
        headless: true,
        timeout: STEP_TIMEOUT_MS,
        args: [...CHROMIUM_ARGS],
      });
      const context = await browser.newContext({ viewport: VIEWPORT });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      const page = await context.newPage();
      try {
        run = await tryItOut(page, `http://127.0.0.1:${address.port}`);
      } catch (error) {
        // What the page looked like when a step failed, for CI logs.
        await page.screenshot({ path: FAILURE_SCREENSHOT_FILE, fullPage: true }).catch(() => undefined);
        console.info(`Swagger UI failure screenshot: ${FAILURE_SCREENSHOT_FILE}`);
        throw error;
      }
    }, TEST_TIMEOUT_MS);

    afterAll(async () => {
      await browser?.close();
      await app?.close();
    }, TEST_TIMEOUT_MS);

    it('executes the documented example request: a budget in TPU-v4 core hours, with cores', () => {
      expect(run.requestBody).toMatchObject({
        budget: { unit: 'tpu_v4_core_hours' },
        constraints: { minEpochs: expect.any(Number) },
        hardware: { cores: expect.any(Number) },
      });
    });

    it('renders the live response code 200', () => {
      expect(run.renderedStatus).toBe('200');
    });

    it('renders a recommendation within the example budget, on the paper’s learning-rate grid', () => {
      const request = run.requestBody as {
        budget: { amount: number };
        constraints: { minEpochs: number };
        hardware: { cores: number };
      };
      const budgetCoreHours = request.budget.amount;
      const plan = JSON.parse(run.renderedBodyText) as PlanBody;
      expect(plan.budget.tpuV4CoreHours).toBe(budgetCoreHours);

      const { recommendation } = plan;
      expect(recommendation.model.name).toMatch(NFNET_NAME);
      expect(recommendation.learningRate.value).toBeGreaterThan(0);
      expect(onPaperGrid(recommendation.learningRate.value), `${recommendation.learningRate.value}`).toBe(
        true,
      );
      expect(recommendation.learningRate.trials).toContain(recommendation.learningRate.value);
      expect(recommendation.epochs).toBeGreaterThanOrEqual(request.constraints.minEpochs);
      expect(recommendation.costTpuV4CoreHours).toBeGreaterThan(0);
      expect(recommendation.costTpuV4CoreHours).toBeLessThanOrEqual(budgetCoreHours * (1 + 1e-9));
      // Cost is epochs x cost per epoch, and the wall clock that cost spread over the requested cores.
      expect(recommendation.epochs * recommendation.model.costPerEpochTpuV4CoreHours).toBeCloseTo(
        recommendation.costTpuV4CoreHours,
        -1,
      );
      expect(recommendation.wallClockHours).toBeCloseTo(
        recommendation.costTpuV4CoreHours / request.hardware.cores,
        2,
      );
      for (const alternative of plan.alternatives) {
        expect(alternative.model.name).toMatch(NFNET_NAME);
        expect(alternative.costTpuV4CoreHours).toBeLessThanOrEqual(budgetCoreHours * (1 + 1e-9));
        expect(onPaperGrid(alternative.learningRate.value), `${alternative.learningRate.value}`).toBe(true);
      }
    });

    it('renders the server’s whole answer: the same JSON as the same request over app.inject', async () => {
      const response = await (app as FastifyInstance).inject({
        method: 'POST',
        url: '/v1/plans',
        payload: run.requestBody as Record<string, unknown>,
      });
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(run.renderedBodyText)).toEqual(response.json());
    });

    it('logs no CSP violation, console error, page error or failed request', () => {
      expect(run.cspViolations, 'securitypolicyviolation events').toEqual([]);
      expect(run.cspMessages, 'console messages about the Content Security Policy').toEqual([]);
      expect(run.consoleErrors, 'console errors').toEqual([]);
      expect(run.pageErrors, 'uncaught page errors').toEqual([]);
      expect(run.failedRequests, 'failed requests').toEqual([]);
    });

    it('writes a full-page PNG screenshot of the executed operation', () => {
      const bytes = readFileSync(SCREENSHOT_FILE);
      // A blank page of this size compresses to a few kB; Swagger UI with a rendered response is far more.
      expect(statSync(SCREENSHOT_FILE).size).toBeGreaterThan(50_000);
      const image = decodePng(bytes);
      expect(image.width).toBe(VIEWPORT.width);
      // Full page: the expanded operation and its response make the page taller than the window.
      expect(image.height).toBeGreaterThan(VIEWPORT.height);
      const green = Number.parseInt(SWAGGER_POST_GREEN.slice(1), 16);
      let greenPixels = 0;
      for (let y = 0; y < image.height; y += 2)
        for (let x = 0; x < image.width; x += 2) {
          const [r, g, b] = image.pixel(x, y);
          if (((r << 16) | (g << 8) | b) === green) greenPixels++;
        }
      expect(greenPixels, 'POST operation green, sampled every other pixel').toBeGreaterThan(1_000);
    });
  },
);
