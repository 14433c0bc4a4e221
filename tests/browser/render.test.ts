/**
 * The SVG charts in a real browser: the app listens on a loopback port and headless Chromium takes a screenshot of
 * each chart. Oracles: a browser's own rendering (the issue: "valid standalone SVG that a browser renders"), read back
 * as pixels by an independent PNG decoder (./png.ts); the Okabe & Ito (2008) palette's published colours for the
 * series. Swagger UI is driven end to end in ./swaggerUi.test.ts. Skipped, saying why, where `chromium` is not on
 * PATH, except under CI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../http/helpers.js';
import { CHROMIUM_ARGS, chromiumOrSkip } from './chromium.js';
import { decodePng, type Image } from './png.js';

/** Screenshot size: larger than the charts' canvases (at most 880 x 560), so each is seen whole. */
const WINDOW = { width: 900, height: 600 };
/** A hung browser is killed after this long; the tests' own timeout is longer still. */
const BROWSER_TIMEOUT_MS = 45_000;
const TEST_TIMEOUT_MS = 60_000;

const chromium = chromiumOrSkip('tests/browser/render.test.ts');

/**
 * Runs headless Chromium to screenshot a URL. Chromium is started in its own process group so that, should it hang,
 * it is killed with every helper process it started.
 */
function screenshot(
  url: string,
  file: string,
  profile: string,
  extraArgs: readonly string[] = [],
): Promise<void> {
  const args = [
    '--headless',
    ...CHROMIUM_ARGS,
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    `--window-size=${WINDOW.width},${WINDOW.height}`,
    ...extraArgs,
    `--screenshot=${file}`,
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(chromium as string, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`chromium did not finish within ${BROWSER_TIMEOUT_MS} ms for ${url}`));
    }, BROWSER_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`chromium exited with ${code} for ${url}: ${stderr}`));
    });
  });
}

interface Ink {
  /** Share of pixels that are not (near) white. */
  readonly nonWhiteFraction: number;
  /** Bounding box of the non-white pixels. */
  readonly box: {
    readonly minX: number;
    readonly maxX: number;
    readonly minY: number;
    readonly maxY: number;
  };
  /** Pixels of exactly this colour. */
  count(hex: string): number;
}

function ink(image: Image): Ink {
  const counts = new Map<number, number>();
  let nonWhite = 0;
  const box = { minX: Number.POSITIVE_INFINITY, maxX: -1, minY: Number.POSITIVE_INFINITY, maxY: -1 };
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++) {
      const [r, g, b] = image.pixel(x, y);
      const key = (r << 16) | (g << 8) | b;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (r < 240 || g < 240 || b < 240) {
        nonWhite++;
        box.minX = Math.min(box.minX, x);
        box.maxX = Math.max(box.maxX, x);
        box.minY = Math.min(box.minY, y);
        box.maxY = Math.max(box.maxY, y);
      }
    }
  return {
    nonWhiteFraction: nonWhite / (image.width * image.height),
    box,
    count: (hex) => counts.get(Number.parseInt(hex.replace('#', ''), 16)) ?? 0,
  };
}

/** Okabe & Ito (2008), the published values, blue to sky blue. */
const OKABE_ITO = {
  blue: '#0072B2',
  orange: '#E69F00',
  bluishGreen: '#009E73',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  skyBlue: '#56B4E9',
};
/** Interior pixels of one filled point mark, at the least: a mark is about 9 px across. */
const MIN_PIXELS_PER_MARK = 20;

describe.skipIf(chromium === undefined)(
  chromium === undefined
    ? 'browser rendering: SKIPPED, no Chromium (see the warning above)'
    : 'browser rendering in headless Chromium',
  () => {
    let app: FastifyInstance;
    let base: string;
    let dir: string;
    let shots = 0;

    beforeAll(async () => {
      app = await buildTestApp();
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      base = `http://127.0.0.1:${address.port}`;
      dir = mkdtempSync(join(tmpdir(), 'scaleplan-browser-'));
    });
    afterAll(async () => {
      await app?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Screenshots a path of the app with a fresh profile, and decodes the PNG. */
    async function shoot(
      path: string,
      extraArgs: readonly string[] = [],
    ): Promise<{ bytes: number; image: Image }> {
      shots++;
      const file = join(dir, `shot-${shots}.png`);
      await screenshot(`${base}${path}`, file, join(dir, `profile-${shots}`), extraArgs);
      const image = decodePng(readFileSync(file));
      expect({ width: image.width, height: image.height }).toEqual(WINDOW);
      return { bytes: statSync(file).size, image };
    }

    it(
      'renders frontier.svg?budget=20000 whole: axes, six coloured series and the plan star',
      async () => {
        const { bytes, image } = await shoot('/v1/charts/frontier.svg?budget=20000');
        // A blank 900 x 600 page compresses to about 3 kB.
        expect(bytes).toBeGreaterThan(20_000);
        const seen = ink(image);
        expect(seen.nonWhiteFraction).toBeGreaterThan(0.02);
        // Drawn across the canvas (title at the top left to legend at the right), not a fragment of it.
        expect(seen.box.maxX - seen.box.minX).toBeGreaterThan(700);
        expect(seen.box.maxY - seen.box.minY).toBeGreaterThan(400);
        for (const [name, hex] of Object.entries(OKABE_ITO))
          expect(seen.count(hex), `series colour ${name}`).toBeGreaterThan(MIN_PIXELS_PER_MARK);
        // The fitted frontier and the plan star are black ink.
        expect(seen.count('#000000')).toBeGreaterThan(MIN_PIXELS_PER_MARK);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'renders learning-rate.svg whole: three coloured model series',
      async () => {
        const { bytes, image } = await shoot('/v1/charts/learning-rate.svg');
        expect(bytes).toBeGreaterThan(20_000);
        const seen = ink(image);
        expect(seen.nonWhiteFraction).toBeGreaterThan(0.02);
        expect(seen.box.maxX - seen.box.minX).toBeGreaterThan(600);
        expect(seen.box.maxY - seen.box.minY).toBeGreaterThan(400);
        // Figure 3's three models: F0, F3, F7+.
        for (const hex of [OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.bluishGreen])
          expect(seen.count(hex), hex).toBeGreaterThan(MIN_PIXELS_PER_MARK);
      },
      TEST_TIMEOUT_MS,
    );
  },
);
