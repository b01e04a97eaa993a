// One provider's key pool as a card: status, circuit, calls today against the limit, and every key
// with its state and cooldown.
import { el, ms } from './render.js';

export function cooldownText(remainingMs) {
  if (remainingMs <= 0) return 'rejoining…';
  const s = Math.ceil(remainingMs / 1000);
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function meter(used, limit) {
  if (!limit) return el('div.meter', { title: 'unlimited' }, el('span', { style: 'width:0%' }));
  const share = Math.min(1, used / limit);
  const level = share >= 1 ? '.full' : share >= 0.8 ? '.high' : '';
  return el(`div.meter${level}`, { title: `${used} of ${limit}` }, el('span', { style: `width:${(share * 100).toFixed(1)}%` }));
}

function keyRow(key, now) {
  const out = key.status !== 'active';
  const until = key.cooldown_until ? Date.parse(key.cooldown_until) : null;
  const cooldown = key.status === 'disabled' ? el('span.muted', {}, 'until enabled')
    : until ? el('span.cooldown', { dataset: { until: String(until) } }, cooldownText(until - now))
      : el('span.muted', {}, '–');
  const rate = key.success_rate === null || key.success_rate === undefined ? '–' : `${Math.round(key.success_rate * 100)}%`;
  const latency = key.avg_latency_ms === null || key.avg_latency_ms === undefined ? '' : ` · ${ms(key.avg_latency_ms)}`;
  const why = [key.reason, key.last_error_class && `last error: ${key.last_error_class}${key.last_error ? ' (' + key.last_error + ')' : ''}`]
    .filter(Boolean).join('\n');
  return el(`tr${out ? '.out' : ''}`, { dataset: { key: key.alias, status: key.status }, title: why },
    el('td.alias', {}, key.alias),
    el('td', {}, el(`span.badge.${key.status}`, {}, key.status.replace('_', ' '))),
    el('td', {}, cooldown),
    el('td', {}, `${key.calls_today}${key.daily_limit ? ' / ' + key.daily_limit : ''}`),
    el('td', {}, rate),
    el('td', {}, latency.replace(' · ', '') || '–'),
    el('td.last-error', {}, key.last_error_class || ''));
}

export function providerCard(pool, now) {
  const limit = pool.daily_limit;
  const kind = pool.type === 'simulator' ? `${pool.format} sim` : pool.type;
  return el('article.panel.provider-card', { dataset: { provider: pool.provider, status: pool.status, circuit: pool.circuit } },
    el('header', {},
      el('h3', {}, pool.provider),
      el('span.muted.provider-kind', { title: `${pool.type} · ${pool.format} · default model ${pool.default_model}` }, `${kind} · ${pool.default_model}`),
      el(`span.badge.${pool.status}`, { title: 'provider status' }, pool.status),
      el(`span.badge.${pool.circuit}`, { title: 'circuit breaker' }, `circuit ${pool.circuit.replace('_', '-')}`)),
    el('div.usage-line', {},
      el('span', {}, `${pool.usable_keys}/${pool.total_keys} keys usable · calls today`),
      meter(pool.calls_today, limit),
      el('span', {}, `${pool.calls_today} / ${limit ? limit : '∞'}`)),
    el('table.keys', {},
      el('thead', {}, el('tr', {}, ['key', 'state', 'cooldown', 'calls today', 'success', 'avg latency', 'last error'].map((h) => el('th', {}, h)))),
      el('tbody', {}, (pool.keys || []).map((key) => keyRow(key, now)))));
}
