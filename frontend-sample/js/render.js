// Small DOM helpers shared by the pages: who answered, the attempts it took, errors.

/** el('div.card', {title: 'x'}, child, 'text') */
export function el(tag, attrs = {}, ...children) {
  const [name, ...classes] = tag.split('.');
  const node = document.createElement(name || 'div');
  if (classes.length) node.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function ms(value) {
  if (value === undefined || value === null || value < 0) return '–';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** One chip per upstream attempt: failed ones red with their error class, the answer green. */
export function attemptChain(attempts = []) {
  const chain = el('ol.attempts', { 'aria-label': 'attempts' });
  attempts.forEach((a, i) => {
    const ok = a.outcome === 'ok';
    chain.append(el(`li.attempt.${ok ? 'ok' : 'failed'}`, {
      title: a.message || (ok ? 'answered' : a.error_class),
      dataset: { key: a.key, outcome: a.outcome },
    },
    el('span.attempt-n', {}, `${i + 1}`),
    el('span.attempt-key', {}, a.key),
    ok ? el('span.attempt-why', {}, 'ok') : el('span.attempt-why', {}, `${a.error_class || 'error'}${a.status ? ' ' + a.status : ''}`),
    el('span.attempt-ms', {}, ms(a.latency_ms))));
  });
  return chain;
}

/** The route card of a finished request (the done metadata of every surface). */
export function routeCard(meta, extra = {}) {
  const attempts = meta.attempts || [];
  const fallback = attempts.length > 1;
  const usage = meta.usage || {};
  return el('div.route', { dataset: { provider: meta.provider, key: meta.key, model: meta.model, attempts: attempts.length } },
    el('div.route-line', {},
      el('span.pill.provider', { title: 'provider' }, meta.provider),
      el('span.pill.key', { title: 'key alias' }, meta.key),
      el('span.pill.model', { title: 'model' }, meta.model),
      el('span.pill.path', { title: meta.path === 'model' ? 'Path B: model named' : 'Path A: round-robin' }, meta.path === 'model' ? 'path B' : 'path A'),
      fallback ? el('span.pill.fallback', { title: 'earlier attempts failed; the gateway fell back' }, `fallback ×${attempts.length - 1}`) : null,
      el('span.stat', {}, 'latency ', el('b', {}, ms(meta.latency_ms))),
      extra.ttft !== undefined ? el('span.stat', {}, 'first token ', el('b', {}, ms(extra.ttft))) : null,
      usage.total_tokens !== undefined ? el('span.stat', {}, 'tokens ', el('b', {}, `${usage.prompt_tokens}+${usage.completion_tokens}${usage.estimated ? '≈' : ''}`)) : null,
      meta.finish_reason ? el('span.stat', {}, 'finish ', el('b', {}, meta.finish_reason)) : null),
    attemptChain(attempts));
}

/** An error box in the gateway's error shape; attempts are listed when every candidate failed. */
export function errorBox(error, title = 'Error') {
  return el('div.error', { role: 'alert', dataset: { code: error.code || '' } },
    el('div.error-title', {}, title, error.code ? el('code', {}, error.code) : null),
    el('div.error-message', {}, error.message || 'Unknown error'),
    error.provider ? el('div.error-where', {}, `at ${error.provider} · ${error.key || ''}${error.error_class ? ' · ' + error.error_class : ''}`) : null,
    error.attempts && error.attempts.length ? attemptChain(error.attempts) : null,
    error.request_id ? el('div.error-where', {}, `request ${error.request_id}`) : null);
}
