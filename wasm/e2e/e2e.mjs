// End-to-end tests of the bcp browser demos in headless Chromium.
//
//   node wasm/e2e/e2e.mjs                    run the tests (after make web)
//   node wasm/e2e/e2e.mjs --screenshots DIR  only write a screenshot of each demo to DIR
//
// The script serves public/ with the Go server of wasm/serve on a free
// localhost port, drives Debian's Chromium through playwright-core with
// SwiftShader for WebGL, and checks that every demo loads without console
// errors and draws, that the controls do what they claim, that the embed
// page honours its query string, and that the trajectory demo at its
// highest speed simulates fast enough, draws fast enough and learns. It
// writes screenshots and the measured numbers (perf.json) to out/e2e/.
//
// Environment: CHROMIUM (default /usr/bin/chromium), BCP_SERVE (a built
// wasm/serve binary; default go run ./wasm/serve), BCP_OUT (default
// out/e2e), BCP_E2E_PERF_SIZE (the page size the speed of the trajectory
// demo is measured at, 640x360), and BCP_E2E_MIN_RATE and BCP_E2E_MIN_FPS:
// floors for that measurement (the acceptance floors are 50 simulated
// seconds per second and 30 frames per second). Without them the speed is
// measured and reported but not asserted, since a timed test fails on any
// busy machine; make web-perf sets them.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const publicDir = path.join(root, 'public');
const DEMOS = ['traj', 'fearcond', 'motor', 'assembly'];
const VIEWPORT = { width: 1280, height: 720 };
const ARGS = ['--use-angle=swiftshader', '--no-sandbox', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const shotsOnly = process.argv.indexOf('--screenshots');
const outDir = path.resolve(shotsOnly >= 0 ? (process.argv[shotsOnly + 1] || 'out/screenshots') :
  (process.env.BCP_OUT || path.join(root, 'out', 'e2e')));
const minRate = Number(process.env.BCP_E2E_MIN_RATE || 0);
const minFPS = Number(process.env.BCP_E2E_MIN_FPS || 0);

// ---------------------------------------------------------------- server

// startServer runs the Go static server on a free port and resolves to its
// base URL and process.
function startServer() {
  for (const f of ['bcp.wasm', 'wasm_exec.js', 'index.html', 'embed.html']) {
    if (!fs.existsSync(path.join(publicDir, f))) {
      throw new Error(`public/${f} is missing: build the site first with make web`);
    }
  }
  const args = ['-addr', '127.0.0.1:0', '-dir', publicDir];
  const proc = process.env.BCP_SERVE ?
    spawn(process.env.BCP_SERVE, args, { cwd: root }) :
    spawn('go', ['run', './wasm/serve', ...args], { cwd: root });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error('the server did not start:\n' + log)), 120000);
    const onData = (d) => {
      log += d.toString();
      const m = log.match(/url=(http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1].replace(/\/+$/, ''), proc });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}):\n${log}`)); });
  });
}

// ---------------------------------------------------------------- PNG

// pngColours returns the number of distinct RGB colours of a PNG image
// (8-bit RGB or RGBA, as Chromium writes them).
function pngColours(buf) {
  let off = 8;
  let width = 0, height = 0, bpp = 0;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8], ctype = data[9];
      assert.equal(depth, 8, 'PNG bit depth');
      bpp = { 2: 3, 6: 4 }[ctype];
      assert.ok(bpp, `PNG colour type ${ctype}`);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    off += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const prev = Buffer.alloc(stride), cur = Buffer.alloc(stride);
  const colours = new Set();
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      let p;
      switch (f) {
        case 0: p = 0; break;
        case 1: p = a; break;
        case 2: p = b; break;
        case 3: p = (a + b) >> 1; break;
        default: {
          const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
          p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
      }
      cur[i] = (line[i] + p) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      colours.add((cur[x * bpp] << 16) | (cur[x * bpp + 1] << 8) | cur[x * bpp + 2]);
    }
    cur.copy(prev);
  }
  return colours.size;
}

// ---------------------------------------------------------------- browser

let server, context, userDir;

async function launch() {
  server = await startServer();
  userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-e2e-chromium-'));
  context = await chromium.launchPersistentContext(userDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, args: ARGS, viewport: VIEWPORT,
  });
  fs.mkdirSync(outDir, { recursive: true });
}

async function shutdown() {
  if (context) await context.close();
  if (server) server.proc.kill();
  if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
}

// open loads a page of the site and collects its console errors.
async function open(rel) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + rel);
  return { page, errors };
}

// state returns window.bcp of the page (or of its demo frame).
function state(target) {
  return target.evaluate(() => (window.bcp ? { ...window.bcp } : null));
}

async function waitFor(target, fn, arg, timeout = 60000) {
  await target.waitForFunction(fn, arg, { timeout, polling: 100 });
  return state(target);
}

// started waits until the demo has drawn a few frames.
function started(target) {
  return waitFor(target, () => window.bcp && window.bcp.frames > 3, undefined, 90000);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function shot(page, name) {
  const file = path.join(outDir, name + '.png');
  const png = await page.screenshot({ path: file });
  return { file, colours: pngColours(png) };
}

// ---------------------------------------------------------------- screenshots only

if (shotsOnly >= 0) {
  // How long each demo runs at max speed before its picture is taken, and
  // what it waits for.
  const plan = {
    traj: [100000, () => window.bcp.r2 !== null && window.bcp.r2 > 0.93],
    fearcond: [60000, () => window.bcp.tests >= 7],
    motor: [45000, () => window.bcp.tests >= 4],
    assembly: [45000, () => window.bcp.tests >= 5],
  };
  try {
    await launch();
    for (const d of DEMOS) {
      // Learn in a small page, which software WebGL draws quickly, then
      // take the picture at full size.
      const { page } = await open('/index.html');
      await page.setViewportSize({ width: 640, height: 360 });
      await page.goto(`${server.url}/embed.html?demo=${d}&speed=max&controls=0`);
      await started(page);
      await page.waitForFunction(plan[d][1], undefined, { timeout: plan[d][0], polling: 250 }).catch(() => { });
      await page.evaluate(() => window.bcpCommand('speed', '2'));
      await page.setViewportSize(VIEWPORT);
      await sleep(2500);
      await page.evaluate(() => window.bcpCommand('pause'));
      await sleep(500);
      const s = await shot(page, d);
      console.log(`${s.file}: ${s.colours} colours, state ${JSON.stringify(await state(page))}`);
      await page.close();
    }
    const { page } = await open('/index.html');
    console.log((await shot(page, 'gallery')).file);
    await page.close();
  } finally {
    await shutdown();
  }
  process.exit(0);
}

// ---------------------------------------------------------------- tests

before(launch);
after(shutdown);

test('the gallery links to every demo', async () => {
  const { page, errors } = await open('/index.html');
  const links = await page.$$eval('a[href^="demo.html?demo="]', (as) => as.map((a) => a.getAttribute('href')));
  for (const d of DEMOS) assert.ok(links.includes(`demo.html?demo=${d}`), `no link to ${d}: ${links}`);
  assert.match(await page.textContent('body'), /Rossbroich/);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const d of DEMOS) {
  test(`demo ${d} loads, draws and advances`, async () => {
    const { page, errors } = await open(`/embed.html?demo=${d}`);
    const a = await started(page);
    assert.equal(a.demo, d);
    await sleep(2500);
    const b = await state(page);
    assert.ok(b.frames >= a.frames + 5, `frames ${a.frames} -> ${b.frames}`);
    assert.ok(b.simSeconds > a.simSeconds, `simulated time ${a.simSeconds} -> ${b.simSeconds}`);
    assert.ok(await page.isVisible('#bcp-bar'), 'the control bar is hidden');
    assert.ok(await page.isHidden('#bcp-loading'), 'the loading note is still shown');
    const s = await shot(page, d);
    assert.ok(s.colours > 32, `the canvas has only ${s.colours} colours`);
    console.log(`# ${d}: ${s.colours} colours in ${s.file}; ${(b.frames - a.frames) / 2.5} fps`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the controls do what they claim', async () => {
  const { page, errors } = await open('/embed.html?demo=traj&speed=20');
  await started(page);

  // Pause stops the trial counter and the clock.
  await page.click('#bcp-play');
  let s = await waitFor(page, () => window.bcp.paused);
  await sleep(300);
  s = await state(page);
  await sleep(1500);
  let t = await state(page);
  assert.equal(t.simSeconds, s.simSeconds, 'simulated time moved while paused');
  assert.equal(t.trial, s.trial, 'the trial counter moved while paused');

  // Step runs a tenth of a trial (0.5 s) and stays paused.
  await page.keyboard.press('s');
  t = await waitFor(page, (x) => window.bcp.simSeconds >= x + 0.499, s.simSeconds);
  await sleep(500);
  t = await state(page);
  assert.ok(Math.abs(t.simSeconds - s.simSeconds - 0.5) < 1e-6, `step moved ${t.simSeconds - s.simSeconds} s`);
  assert.ok(t.paused);

  // Reset returns to the start; space plays again.
  await page.click('#bcp-reset');
  t = await waitFor(page, () => window.bcp.simSeconds === 0 && window.bcp.trial === 0);
  await page.keyboard.press('Space');
  t = await waitFor(page, () => !window.bcp.paused && window.bcp.simSeconds > 0);

  // Speed: the slider and the arrow keys.
  await page.$eval('#bcp-speed', (el) => { el.value = '9'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await waitFor(page, () => window.bcp.speed === 'max');
  await page.keyboard.press('ArrowLeft');
  await waitFor(page, () => window.bcp.speed === '100');
  await page.waitForFunction(() => document.getElementById('bcp-speed-label').textContent === '100 s/s');

  // Seed, overlap and feedback start the run again with the new setting.
  await page.fill('#bcp-seed', '7');
  await page.press('#bcp-seed', 'Enter');
  await waitFor(page, () => window.bcp.seed === 7);
  await page.fill('#bcp-overlap', '20');
  await page.press('#bcp-overlap', 'Enter');
  await waitFor(page, () => window.bcp.overlap === 20);
  await page.selectOption('#bcp-feedback', 'global');
  t = await waitFor(page, () => window.bcp.feedback === 'global');
  assert.equal(t.trial, 0);

  // Learning on and off, by checkbox and key.
  await page.click('#bcp-learning');
  await waitFor(page, () => window.bcp.learning === false);
  await page.keyboard.press('l');
  await waitFor(page, () => window.bcp.learning === true);

  // Keys 1-4 switch demos and the address follows.
  await page.keyboard.press('2');
  t = await waitFor(page, () => window.bcp.demo === 'fearcond');
  await page.waitForFunction(() => location.search.includes('demo=fearcond'));
  assert.equal(t.seed, 7, 'the seed did not carry over');
  await page.selectOption('#bcp-demo', 'motor');
  await waitFor(page, () => window.bcp.demo === 'motor');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the embed page honours its query string', async () => {
  let { page, errors } = await open('/embed.html?demo=motor&seed=3&speed=8&autoplay=1&controls=0');
  let s = await started(page);
  assert.equal(s.demo, 'motor');
  assert.equal(s.seed, 3);
  assert.equal(s.speed, '8');
  assert.equal(s.paused, false);
  assert.ok(await page.isHidden('#bcp-bar'), 'controls=0 shows the control bar');
  const box = await page.$eval('canvas', (c) => { const r = c.getBoundingClientRect(); return [r.width, r.height]; });
  assert.deepEqual(box, [VIEWPORT.width, VIEWPORT.height], 'the canvas does not fill the frame');
  await sleep(1000);
  assert.ok((await state(page)).simSeconds > 0, 'autoplay=1 did not play');
  assert.deepEqual(errors, []);
  await page.close();

  ({ page, errors } = await open('/embed.html?demo=assembly&autoplay=0&learning=0&overlap=0&feedback=global'));
  s = await started(page);
  await sleep(1000);
  s = await state(page);
  assert.equal(s.paused, true);
  assert.equal(s.simSeconds, 0, 'autoplay=0 played');
  assert.equal(s.learning, false);
  assert.equal(s.feedback, 'global');
  assert.deepEqual(errors, []);
  await page.close();

  // The demo page puts the embed in an iframe and offers its snippet.
  ({ page, errors } = await open('/demo.html?demo=fearcond&seed=2'));
  const frame = page.frameLocator('#demo');
  await frame.locator('canvas').waitFor({ timeout: 90000 });
  const inner = page.frames().find((f) => f.url().includes('embed.html'));
  s = await started(inner);
  assert.equal(s.demo, 'fearcond');
  assert.equal(s.seed, 2);
  const snippet = await page.inputValue('#snippet');
  assert.match(snippet, /<iframe src="[^"]*embed\.html\?demo=fearcond&seed=2&autoplay=1&controls=0"/);
  assert.deepEqual(errors, []);
  await page.close();
});

// measure opens the trajectory demo at max speed in a page of the given
// size and measures, after a warm-up, simulated seconds per second and
// frames per second over seconds.
async function measure(size, seconds) {
  const { page, errors } = await open('/index.html');
  await page.setViewportSize(size);
  await page.goto(server.url + '/embed.html?demo=traj&speed=max&controls=0');
  const t0 = Date.now();
  await started(page);
  // The first open-loop test (before any training) ends after 15 s of
  // simulated time: catch its R².
  const first = { r2: null };
  const poll = setInterval(() => {
    if (first.r2 === null) state(page).then((x) => { if (x && first.r2 === null) first.r2 = x.r2; }).catch(() => { });
  }, 100);
  await sleep(3000); // warm-up: the engine compiles the hot code
  const a = await state(page), ta = Date.now();
  await sleep(seconds * 1000);
  const b = await state(page), tb = Date.now();
  const sec = (tb - ta) / 1000;
  await page.waitForFunction(() => window.bcp.r2 !== null, undefined, { timeout: 60000 });
  clearInterval(poll);
  return {
    page, errors, t0, first: first.r2 === null ? (await state(page)).r2 : first.r2,
    result: {
      viewport: `${size.width}x${size.height}`, seconds: +sec.toFixed(1),
      simSecondsPerSecond: +((b.simSeconds - a.simSeconds) / sec).toFixed(1),
      fps: +((b.frames - a.frames) / sec).toFixed(1),
      simMsPerFrame: +b.simMs.toFixed(2), drawMsPerFrame: +b.drawMs.toFixed(2), budgetMs: b.budgetMs,
    },
  };
}

// The acceptance measurement runs in a page of BCP_E2E_PERF_SIZE (640x360
// unless set): with SwiftShader, WebGL in software, the graphics process
// spends about 0.1 µs of CPU per pixel per frame on an Ebitengine canvas,
// so a 2-core machine cannot draw 1280x720 at 30 frames per second
// whatever the page does. The test reports 1280x720 as well.
test('the trajectory demo at max speed learns, and how fast it runs', async () => {
  const [w, h] = (process.env.BCP_E2E_PERF_SIZE || '640x360').split('x').map(Number);
  const m = await measure({ width: w, height: h }, 10);
  const { page, errors, t0, first } = m;

  // R² of the open-loop tests: the first one, before training, then the
  // best within 60 s of loading.
  let best = first;
  while (Date.now() - t0 < 60000 && best < first + 0.3) {
    await sleep(500);
    best = Math.max(best, (await state(page)).r2);
  }
  const end = await state(page);
  await shot(page, 'traj-max');
  assert.deepEqual(errors, []);
  await page.close();

  const big = await measure(VIEWPORT, 8);
  await big.page.close();
  assert.deepEqual(big.errors, []);

  const report = {
    machine: { cpus: os.cpus().length, load: os.loadavg().map((x) => +x.toFixed(2)) },
    acceptance: m.result, large: big.result,
    learning: { r2First: +first.toFixed(3), r2Best: +best.toFixed(3), trials: end.trial,
      simSeconds: +end.simSeconds.toFixed(1), wallSeconds: +((Date.now() - t0) / 1000).toFixed(1) },
    wasmBytes: fs.statSync(path.join(publicDir, 'bcp.wasm')).size,
  };
  fs.writeFileSync(path.join(outDir, 'perf.json'), JSON.stringify(report, null, 2) + '\n');
  console.log('# trajectory at max speed: ' + JSON.stringify(report));

  const { simSecondsPerSecond: rate, fps } = m.result;
  assert.ok(best >= first + 0.3, `open-loop R² rose only from ${first} to ${best} within 60 s`);
  if (minRate > 0) {
    assert.ok(rate >= minRate, `${rate} simulated s per s at ${m.result.viewport}, want at least ${minRate}`);
  }
  if (minFPS > 0) {
    assert.ok(fps >= minFPS, `${fps} frames per s at ${m.result.viewport}, want at least ${minFPS}`);
  }
});
