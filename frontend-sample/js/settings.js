// Where the gateway is and how to authenticate, shared by every page and kept in localStorage.
// The gateway URL defaults to the page's own origin (the pages are served by the gateway at /); opened
// from disk or another server, enter the gateway's URL (or pass ?gateway=http://host:port once).

const STORE = {
  gateway: 'switchboard.gateway',
  apiKey: 'switchboard.apiKey',
  adminToken: 'switchboard.adminToken',
};

const servedByGateway = location.protocol === 'http:' || location.protocol === 'https:';

(function adoptQueryParameter() {
  const fromQuery = new URLSearchParams(location.search).get('gateway');
  if (fromQuery) localStorage.setItem(STORE.gateway, fromQuery);
})();

export function gatewayBase() {
  const saved = (localStorage.getItem(STORE.gateway) || '').trim().replace(/\/+$/, '');
  if (saved) return saved;
  return servedByGateway ? location.origin : 'http://localhost:8080';
}

export function httpUrl(path) {
  return gatewayBase() + path;
}

/**
 * The WebSocket URL. Browsers cannot set headers on a WebSocket, so a client key travels as the
 * access_token query parameter instead of Authorization (the gateway accepts it on /api/chat/ws).
 */
export function wsUrl(path) {
  const url = new URL(path, gatewayBase());
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const key = secret('apiKey');
  if (key) url.searchParams.set('access_token', key);
  return url.toString();
}

export function secret(kind) {
  return (localStorage.getItem(STORE[kind]) || '').trim();
}

/** Headers for a request: Authorization: Bearer <key or token> when one is set. */
export function authHeaders(kind, extra = {}) {
  const value = secret(kind);
  return value ? { ...extra, Authorization: `Bearer ${value}` } : { ...extra };
}

/**
 * Fills a <form class="settings"> with the gateway URL field and one secret field.
 * kind: 'apiKey' (chat pages: a gateway client key sb-...) or 'adminToken' (dashboard).
 */
export function mountSettings(form, kind, onChange = () => {}) {
  const label = kind === 'apiKey' ? 'API key' : 'Admin token';
  const hint = kind === 'apiKey' ? 'sb-… (optional in the demo)' : 'optional in the demo';
  form.innerHTML = `
    <label>Gateway URL
      <input name="gateway" type="url" spellcheck="false" placeholder="${servedByGateway ? 'same origin' : 'http://localhost:8080'}">
    </label>
    <label>${label}
      <input name="secret" type="password" autocomplete="off" spellcheck="false" placeholder="${hint}">
    </label>
    <span class="settings-state" aria-live="polite"></span>`;
  const gateway = form.elements.gateway;
  const value = form.elements.secret;
  const state = form.querySelector('.settings-state');
  gateway.value = localStorage.getItem(STORE.gateway) || '';
  value.value = localStorage.getItem(STORE[kind]) || '';
  const save = () => {
    localStorage.setItem(STORE.gateway, gateway.value.trim());
    localStorage.setItem(STORE[kind], value.value.trim());
    state.textContent = `→ ${gatewayBase()}${secret(kind) ? ' · with ' + label.toLowerCase() : ''}`;
    onChange();
  };
  form.addEventListener('change', save);
  form.addEventListener('submit', (e) => { e.preventDefault(); save(); });
  state.textContent = `→ ${gatewayBase()}${secret(kind) ? ' · with ' + label.toLowerCase() : ''}`;
}
