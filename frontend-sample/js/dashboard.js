// The operations dashboard: the live feed (GET /api/v1/live, server-sent events read with fetch so the
// admin token can be sent) for rates, percentiles and events; key pools and circuits from GET /admin/keys
// every 2 seconds (and at once after a key changes state).
import { authHeaders, httpUrl, mountSettings } from './settings.js';
import { readEvents, errorOf } from './sse.js';
import { attemptChain, el, ms } from './render.js';
import { TimeChart } from './chart.js';
import { cooldownText, providerCard } from './pools.js';

const POLL_MS = 2000;
const MAX_EVENTS = 60;
const MAX_ROWS = 30;
const $ = (id) => document.getElementById(id);

const charts = {
  rps: new TimeChart($('chart-rps'), [
    { name: 'requests/s', color: '#58a6ff', fill: true },
    { name: 'errors/s', color: '#f85149' },
  ], { unit: (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(1)) }),
  latency: new TimeChart($('chart-latency'), [
    { name: 'p50', color: '#3fb950', fill: true },
    { name: 'p95', color: '#d29922' },
  ], { unit: (v) => ms(v), minMax: 50 }),
  ttft: new TimeChart($('chart-ttft'), [
    { name: 'p50', color: '#bc8cff', fill: true },
    { name: 'p95', color: '#39c5cf' },
  ], { unit: (v) => ms(v), minMax: 50 }),
};
$('legend-rps').append(...charts.rps.legend());
$('legend-latency').append(...charts.latency.legend());
$('legend-ttft').append(...charts.ttft.legend());

let serverOffsetMs = 0;
let liveController = null;
let pollTimer = null;
let requestCount = 0;

mountSettings($('settings'), 'adminToken', () => { connectLive(); refreshPools(); });
connectLive();
refreshPools();
setInterval(tickCountdowns, 1000);

// ---- live feed --------------------------------------------------------------------------------------

async function connectLive() {
  if (liveController) liveController.abort();
  const controller = new AbortController();
  liveController = controller;
  setLive('connecting', 'connecting to the live feed…');
  try {
    const response = await fetch(httpUrl('/api/v1/live'), {
      headers: authHeaders('adminToken', { accept: 'text/event-stream' }),
      signal: controller.signal,
    });
    if (!response.ok) {
      const error = await errorOf(response);
      throw new Error(`HTTP ${response.status}: ${error.message}`);
    }
    setLive('open', 'live');
    for await (const event of readEvents(response)) {
      const data = JSON.parse(event.data);
      if (event.event === 'snapshot') onSnapshot(data);
      else if (event.event === 'request') onRequest(data);
      else if (event.event === 'key') onKeyChange(data);
    }
    throw new Error('the live feed ended');
  } catch (err) {
    if (controller.signal.aborted) return;
    setLive('closed', `live feed unavailable (${err.message}); retrying…`);
    setTimeout(() => { if (liveController === controller) connectLive(); }, 3000);
  }
}

function setLive(state, text) {
  $('live-dot').className = `dot ${state}`;
  $('live-state').textContent = text;
  document.body.dataset.live = state;
}

function onSnapshot(s) {
  const now = Date.now();
  const perSecond = (n) => n / (s.window_seconds || 1);
  $('kpi-rps').textContent = s.requests_per_second.toFixed(s.requests_per_second >= 10 ? 0 : 1);
  $('kpi-latency').replaceChildren(ms(s.latency_p50_ms), el('small', {}, ` · ${ms(s.latency_p95_ms)}`));
  $('kpi-ttft').replaceChildren(ms(s.ttft_p50_ms), el('small', {}, ` · ${ms(s.ttft_p95_ms)}`));
  $('kpi-inflight').textContent = String(s.in_flight);
  $('kpi-errors').replaceChildren(String(s.errors), el('small', {}, ` · ${s.fallbacks}`));
  $('kpi-window').textContent = `(last ${s.window_seconds}s)`;
  if (s.queue) {
    $('kpi-jobs').replaceChildren(String(s.queue.queued), el('small', {}, ` · ${s.queue.running}`));
    $('kpi-jobs').dataset.queued = String(s.queue.queued);
    $('kpi-jobs-oldest').textContent = s.queue.queued ? `(oldest ${s.queue.oldest_queued_seconds}s)` : '';
  }
  setLive('open', `live · ${s.listeners} listener${s.listeners === 1 ? '' : 's'}${s.dropped_events ? ` · ${s.dropped_events} events dropped for slow listeners` : ''}`);
  charts.rps.push(now, [s.requests_per_second, perSecond(s.errors)]);
  charts.latency.push(now, [s.latency_p50_ms, s.latency_p95_ms]);
  charts.ttft.push(now, [s.ttft_p50_ms, s.ttft_p95_ms]);
  Object.values(charts).forEach((c) => c.draw());
}

function onRequest(r) {
  requestCount += 1;
  $('requests-count').textContent = `${requestCount} since this page opened`;
  const row = el(`tr.outcome-row`, { dataset: { outcome: r.outcome, provider: r.provider || '', fallback: String(r.fallback) } },
    el('td.mono', {}, clock(r.time)),
    el('td', {}, r.surface),
    el('td', {}, r.provider ? el('span.pill.provider', {}, r.provider) : '–', ' ', r.key ? el('span.pill.key', {}, r.key) : '', ' ',
      r.model ? el('span.muted', {}, r.model) : ''),
    el(`td.outcome-${r.outcome}`, {}, r.outcome, r.error_class ? el('span.muted', {}, ` · ${r.error_class}`) : ''),
    el('td.num', {}, ms(r.latency_ms)),
    el('td.num', {}, r.ttft_ms === undefined ? '–' : ms(r.ttft_ms)),
    el('td', {}, attemptChain(r.attempts)));
  const body = $('requests');
  body.prepend(row);
  while (body.children.length > MAX_ROWS) body.lastChild.remove();
  if (r.fallback || r.outcome === 'failed' || r.outcome === 'rejected') {
    const kind = r.outcome === 'success' ? 'fallback' : 'failed';
    const title = r.outcome === 'success'
      ? `Fell back ${r.attempts.length - 1}× · answered by ${r.provider} · ${r.key}`
      : `Request ${r.outcome}${r.error_class ? ' · ' + r.error_class : ''}`;
    pushEvent(el(`div.item.${kind}`, { dataset: { kind } },
      el('div.head', {}, el('span.when', {}, clock(r.time)), el('b', {}, title), el('span.muted', {}, `${r.surface} · ${ms(r.latency_ms)}`)),
      attemptChain(r.attempts)));
  }
}

function onKeyChange(k) {
  const until = k.until ? Date.parse(k.until) : null;
  pushEvent(el('div.item.key-change', { dataset: { kind: 'key', key: k.key, status: k.status } },
    el('div.head', {}, el('span.when', {}, clock(k.time)), el('span.pill.key', {}, k.key), el('span.muted', {}, k.provider),
      '→', el(`span.badge.${k.status}`, {}, k.status.replace('_', ' ')),
      until ? el('span.cooldown', { dataset: { until: String(until) } }, cooldownText(until - serverNow())) : null),
    k.reason ? el('div.muted', {}, k.reason) : null));
  clearTimeout(pollTimer);
  pollTimer = setTimeout(refreshPools, 150);
}

function pushEvent(node) {
  const feed = $('events');
  $('events-empty')?.remove();
  feed.prepend(node);
  while (feed.children.length > MAX_EVENTS) feed.lastChild.remove();
}

// ---- key pools --------------------------------------------------------------------------------------

async function refreshPools() {
  clearTimeout(pollTimer);
  try {
    const response = await fetch(httpUrl('/admin/keys'), { headers: authHeaders('adminToken') });
    if (!response.ok) {
      const error = await errorOf(response);
      throw new Error(`HTTP ${response.status}: ${error.message}`);
    }
    const body = await response.json();
    serverOffsetMs = Date.parse(body.generated_at) - Date.now();
    renderPools(body.providers || []);
    $('pools-state').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    $('pools-state').textContent = `cannot read /admin/keys (${err.message})`;
  } finally {
    pollTimer = setTimeout(refreshPools, POLL_MS);
  }
}

function renderPools(pools) {
  const container = $('providers');
  let usable = 0;
  let total = 0;
  for (const pool of pools) {
    usable += pool.usable_keys;
    total += pool.total_keys;
  }
  container.replaceChildren(...pools.map((pool) => providerCard(pool, serverNow())));
  $('kpi-keys').replaceChildren(String(usable), el('small', {}, ` / ${total}`));
}

function serverNow() {
  return Date.now() + serverOffsetMs;
}

function tickCountdowns() {
  const now = serverNow();
  document.querySelectorAll('.cooldown[data-until]').forEach((node) => {
    node.textContent = cooldownText(Number(node.dataset.until) - now);
  });
}

function clock(iso) {
  return new Date(iso).toLocaleTimeString([], { hour12: false });
}
