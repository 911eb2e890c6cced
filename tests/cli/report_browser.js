// Drives headless Chromium over the DevTools protocol (--remote-debugging-pipe:
// no port, no npm package) the way a reader uses the report: types into the
// search box and checks the table filters, sorts a column, opens an entity's
// detail from its link, and loads the page again with JavaScript disabled.
// Screenshots go to OUTDIR. Prints one line per check and "N passed, N failed".
// Usage: node report_browser.js CHROMIUM REPORT.html OUTDIR QUERY
'use strict';
const {spawn} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [chromium, report, outDir, query] = process.argv.slice(2);
const key = JSON.stringify((query || '').toLowerCase()); // the page's search keys are case-folded
if (!query) {
  console.error('usage: node report_browser.js CHROMIUM REPORT.html OUTDIR QUERY');
  process.exit(2);
}
fs.mkdirSync(outDir, {recursive: true});
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vcd-chromium-'));
const browser = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
  '--disable-background-networking', '--disable-extensions', '--remote-debugging-pipe',
  `--user-data-dir=${profile}`, 'about:blank',
], {stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe']});
let stderr = '';
browser.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });

let passed = 0, failed = 0, done = false;
const check = (ok, what) => {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}`);
};
const finish = (code) => {
  try { browser.kill('SIGKILL'); } catch (e) { /* already gone */ }
  console.log(`${passed} passed, ${failed} failed`);
  // the profile goes once the browser has let go of it (its helpers may lag)
  const exit = () => {
    try { fs.rmSync(profile, {recursive: true, force: true, maxRetries: 5}); } catch (e) { /* tmp */ }
    process.exit(code === undefined ? (failed ? 1 : 0) : code);
  };
  if (browser.exitCode === null && browser.signalCode === null) browser.once('exit', exit); else exit();
  setTimeout(exit, 3000);
};
const timer = setTimeout(() => { check(false, 'finished within 90 s'); finish(1); }, 90000);
browser.once('exit', (code) => {
  if (!done) { check(false, `chromium exited early (${code}): ${stderr.slice(-500)}`); finish(1); }
});


// The protocol: JSON messages separated by NUL bytes, fd 3 in, fd 4 out.
const toBrowser = browser.stdio[3], fromBrowser = browser.stdio[4];
let nextId = 1, pending = new Map(), listeners = [], buffered = '';
fromBrowser.on('data', (chunk) => {
  buffered += chunk.toString('utf8');
  let nul;
  while ((nul = buffered.indexOf('\0')) >= 0) {
    const msg = JSON.parse(buffered.slice(0, nul));
    buffered = buffered.slice(nul + 1);
    if (msg.id && pending.has(msg.id)) {
      const {resolve, reject} = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(JSON.stringify(msg.error))); else resolve(msg.result);
    } else {
      listeners.forEach((l) => l(msg));
    }
  }
});
const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
  const id = nextId++;
  pending.set(id, {resolve, reject});
  toBrowser.write(JSON.stringify({id, method, params, sessionId}) + '\0');
});
const event = (sessionId, method) => new Promise((resolve) => {
  const l = (msg) => {
    if (msg.sessionId === sessionId && msg.method === method) {
      listeners = listeners.filter((x) => x !== l);
      resolve(msg.params);
    }
  };
  listeners.push(l);
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function openPage(scripts) {
  const {targetId} = await send('Target.createTarget', {url: 'about:blank'});
  const {sessionId} = await send('Target.attachToTarget', {targetId, flatten: true});
  const s = (method, params) => send(method, params, sessionId);
  const errors = [];
  listeners.push((msg) => {
    if (msg.sessionId !== sessionId) return;
    if (msg.method === 'Runtime.exceptionThrown') errors.push(msg.params.exceptionDetails.text);
    if (msg.method === 'Runtime.consoleAPICalled' && msg.params.type === 'error') errors.push('console.error');
    if (msg.method === 'Log.entryAdded' && msg.params.entry.level === 'error') errors.push(msg.params.entry.text);
  });
  await s('Page.enable');
  await s('Runtime.enable');
  await s('Log.enable');
  await s('Emulation.setDeviceMetricsOverride', {width: 1280, height: 1000, deviceScaleFactor: 1, mobile: false});
  if (!scripts) await s('Emulation.setScriptExecutionDisabled', {value: true});
  const loaded = event(sessionId, 'Page.loadEventFired');
  await s('Page.navigate', {url: 'file://' + path.resolve(report)});
  await loaded;
  const evaluate = async (expression) => {
    const r = await s('Runtime.evaluate', {expression, returnByValue: true});
    if (r.exceptionDetails) throw new Error(`${expression}: ${r.exceptionDetails.text}`);
    return r.result.value;
  };
  const shot = async (name) => {
    const {data} = await s('Page.captureScreenshot', {format: 'png'});
    const file = path.join(outDir, name);
    fs.writeFileSync(file, Buffer.from(data, 'base64'));
    return fs.statSync(file).size;
  };
  // a real click: mouse down and up at the centre of the element
  const click = async (selector) => {
    await evaluate(`document.querySelector(${JSON.stringify(selector)}).scrollIntoView({block: 'center'})`);
    const box = await evaluate(`(() => { const r = document.querySelector(${JSON.stringify(selector)})` +
                               `.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`);
    for (const type of ['mousePressed', 'mouseReleased'])
      await s('Input.dispatchMouseEvent', {type, x: box[0], y: box[1], button: 'left', clickCount: 1});
  };
  return {s, evaluate, shot, click, errors};
}

const visibleRows = `[...document.querySelectorAll('#entity-table tbody tr')].filter((r) => !r.hidden)`;

async function withScripts() {
  const p = await openPage(true);
  const total = await p.evaluate(`document.querySelectorAll('#entity-table tbody tr').length`);
  check(total > 10, `entity table has ${total} rows`);
  check(await p.evaluate(`!document.getElementById('tools').hidden`), 'search tools shown when scripts run');
  check((await p.shot('report-top.png')) > 20000, 'screenshot report-top.png');

  // type the query one key at a time, as a person would
  await p.click('#q');
  for (const ch of query) {
    await p.s('Input.dispatchKeyEvent', {type: 'keyDown', key: ch, text: ch, unmodifiedText: ch});
    await p.s('Input.dispatchKeyEvent', {type: 'keyUp', key: ch});
  }
  check(await p.evaluate(`document.getElementById('q').value`) === query, `typed "${query}" into the search box`);
  const shown = await p.evaluate(`${visibleRows}.length`);
  check(shown >= 1 && shown < total, `search "${query}" leaves ${shown} of ${total} rows`);
  const allMatch = await p.evaluate(`${visibleRows}.every((r) => r.getAttribute('data-search').includes(${key}))`);
  check(allMatch, 'every row left names the query');
  const hiddenMatch = await p.evaluate(`[...document.querySelectorAll('#entity-table tbody tr')].filter((r) => r.hidden)` +
                                       `.some((r) => r.getAttribute('data-search').includes(${key}))`);
  check(!hiddenMatch, 'no hidden row names the query');
  check(/^\d+ of \d+ entities$/.test(await p.evaluate(`document.getElementById('shown').textContent`)), 'count of shown rows');
  check((await p.shot('report-search.png')) > 20000, 'screenshot report-search.png');

  // open the first match's detail through its link
  const link = await p.evaluate(`${visibleRows}[0].querySelector('a').getAttribute('href')`);
  await p.click(`#entity-table tbody tr:not([hidden]) a`);
  await sleep(300);
  const id = link.slice(1);
  check(await p.evaluate(`location.hash`) === link, `link went to ${link}`);
  check(await p.evaluate(`document.getElementById('${id}').open`), `detail ${link} opened`);
  const parts = await p.evaluate(`(() => { const d = document.getElementById('${id}'); return {` +
      `aliases: d.querySelectorAll('table.aliases tbody tr').length, bars: d.querySelectorAll('svg.bars rect').length,` +
      `marks: d.querySelectorAll('blockquote mark').length, status: d.querySelectorAll('.b-known, .b-new').length}; })()`);
  check(parts.aliases > 0 && parts.bars > 0 && parts.marks > 0 && parts.status === 1,
        `detail has aliases (${parts.aliases}), weekly bars (${parts.bars}), highlighted comments (${parts.marks}), known/new`);
  check((await p.shot('report-detail.png')) > 20000, 'screenshot report-detail.png');

  // clear the search, sort by mentions ascending with a click on the header
  await p.evaluate(`(() => { const q = document.getElementById('q'); q.value = '';` +
                   `q.dispatchEvent(new Event('input')); })()`);
  check(await p.evaluate(`${visibleRows}.length`) === total, 'clearing the search shows every row again');
  await p.click('#entity-table thead th:nth-child(5)');
  const sorted = await p.evaluate(`(() => { const v = [...document.querySelectorAll('#entity-table tbody tr')]` +
      `.map((r) => +r.cells[4].textContent); return v.every((x, i) => i === 0 || v[i - 1] <= x); })()`);
  check(sorted, 'a click on "mentions" sorts the rows ascending');
  check(p.errors.length === 0, `no script errors (${p.errors.join('; ')})`);
}

async function withoutScripts() {
  const p = await openPage(false);
  const {root} = await p.s('DOM.getDocument', {depth: 0});
  const count = async (selector) => (await p.s('DOM.querySelectorAll', {nodeId: root.nodeId, selector})).nodeIds.length;
  const rows = await count('#entity-table tbody tr'), details = await count('details.entity');
  check(rows > 10, `without scripts: entity table has ${rows} rows`);
  check(details === rows, `without scripts: ${details} detail sections, one per row`);
  check(await count('details.entity blockquote mark') > 0, 'without scripts: comments with the mention highlighted');
  check(await count('#emerging tbody tr') > 0 && await count('#summary .card') >= 5, 'without scripts: summary and emerging list');
  const tools = (await p.s('DOM.querySelectorAll', {nodeId: root.nodeId, selector: '#tools'})).nodeIds[0];
  const toolsBox = await p.s('DOM.getBoxModel', {nodeId: tools}).then(() => true, () => false);
  const table = (await p.s('DOM.querySelectorAll', {nodeId: root.nodeId, selector: '#entity-table'})).nodeIds[0];
  const tableBox = await p.s('DOM.getBoxModel', {nodeId: table}).then(() => true, () => false);
  check(tools && !toolsBox && tableBox, 'without scripts: the table is displayed, the search box (which needs them) is not');
  check((await p.shot('report-nojs.png')) > 20000, 'screenshot report-nojs.png');
}

(async () => {
  try {
    await withScripts();
    await withoutScripts();
  } catch (e) {
    check(false, `browser session: ${e.message}`);
  }
  done = true;
  clearTimeout(timer);
  finish();
})();
