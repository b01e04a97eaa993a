// Chat over WebSocket: several requests in flight on one socket, each cancellable.
import { mountSettings, wsUrl } from './settings.js';
import { el, errorBox, routeCard } from './render.js';
import { loadModels } from './models.js';
import { toolCalls, withTools } from './tools.js';

const list = document.getElementById('requests');
const composer = document.getElementById('composer');
const message = document.getElementById('message');
const model = document.getElementById('model');
const offerTool = document.getElementById('offer-tool');
const dot = document.getElementById('socket-dot');
const socketState = document.getElementById('socket-state');
const inFlightLabel = document.getElementById('in-flight');
const requests = new Map();
let socket = null;
let counter = 0;

mountSettings(document.getElementById('settings'), 'apiKey', () => { loadModels(model); connect(); });
loadModels(model);
connect();

document.getElementById('reconnect').addEventListener('click', connect);
document.getElementById('clear').addEventListener('click', () => {
  for (const [id, r] of requests) if (r.finished) { r.card.remove(); requests.delete(id); }
});
message.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); composer.requestSubmit(); }
});

function connect() {
  if (socket) socket.close(1000, 'reconnect');
  const url = wsUrl('/api/chat/ws');
  const ws = new WebSocket(url);
  socket = ws;
  setSocket('connecting', 'connecting…');
  ws.addEventListener('open', () => setSocket('open', `connected to ${url.replace(/access_token=[^&]+/, 'access_token=…')}`));
  ws.addEventListener('close', (e) => {
    if (socket !== ws) return;
    setSocket('closed', `closed${e.code ? ' (' + e.code + (e.reason ? ' ' + e.reason : '') + ')' : ''}`);
    for (const r of requests.values()) {
      if (!r.finished) finish(r, 'error', 'socket closed', { message: 'The socket closed before the answer ended.', code: 'socket_closed' });
    }
  });
  ws.addEventListener('error', () => { if (socket === ws) setSocket('closed', 'cannot connect (check the gateway URL)'); });
  ws.addEventListener('message', (e) => onMessage(JSON.parse(e.data)));
}

function setSocket(state, text) {
  dot.className = `dot ${state}`;
  socketState.textContent = text;
  document.body.dataset.socket = state;
}

composer.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = message.value.trim();
  if (!text) return;
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    setSocket('closed', 'not connected: press Reconnect');
    return;
  }
  const id = `r${++counter}`;
  const body = withTools({ id, messages: [{ role: 'user', content: text }] }, offerTool);
  if (model.value) body.model = model.value;
  requests.set(id, newCard(id, text, model.value));
  socket.send(JSON.stringify(body));
  updateInFlight();
});

function newCard(id, text, route) {
  const state = el('span.state.state-waiting', {}, 'waiting');
  const answer = el('div.answer');
  const meta = el('div.meta');
  const cancel = el('button.danger', { type: 'button', 'data-action': 'cancel' }, 'Cancel');
  const card = el('article.panel.request-card', { id: `req-${id}`, dataset: { id, state: 'waiting' } },
    el('header', {}, el('b', {}, `#${id}`), el('span.prompt', { title: text }, `${text}${route ? ' · ' + route : ''}`), state, cancel),
    answer, meta);
  const request = { id, card, state, answer, meta, cancel, text: '', finished: false, started: performance.now(),
    toolCall: toolCalls(meta) };
  cancel.addEventListener('click', () => {
    if (request.finished || !socket || socket.readyState !== WebSocket.OPEN) return;
    cancel.disabled = true;
    setState(request, 'cancelling', 'cancelling…');
    socket.send(JSON.stringify({ type: 'cancel', id }));
  });
  list.prepend(card);
  return request;
}

function setState(r, name, text) {
  r.state.className = `state state-${name}`;
  r.state.textContent = text;
  r.card.dataset.state = name;
}

function finish(r, name, text, error) {
  r.finished = true;
  r.cancel.hidden = true;
  setState(r, name, text);
  if (error) r.meta.append(errorBox(error, name === 'error' && r.text ? 'The stream broke after it started' : 'Error'));
  updateInFlight();
}

function onMessage(msg) {
  const r = requests.get(msg.id);
  if (!r) {
    // An error about no request we know (e.g. a malformed message): show it at the top.
    if (msg.type === 'error') list.prepend(el('article.panel', {}, errorBox(msg.error || msg)));
    return;
  }
  switch (msg.type) {
    case 'chunk':
      if (r.ttft === undefined) r.ttft = performance.now() - r.started;
      r.text += msg.delta;
      r.answer.textContent = r.text;
      r.card.dataset.chunks = String((Number(r.card.dataset.chunks) || 0) + 1);
      if (r.card.dataset.state === 'waiting') setState(r, 'streaming', 'streaming');
      break;
    case 'tool_call':
      if (r.ttft === undefined) r.ttft = performance.now() - r.started;
      r.toolCall(msg);
      if (r.card.dataset.state === 'waiting') setState(r, 'streaming', 'streaming');
      break;
    case 'done':
      r.meta.append(routeCard(msg, { ttft: r.ttft }));
      finish(r, 'done', msg.tool_calls ? 'done · the model called a tool' : 'done');
      break;
    case 'cancelled':
      finish(r, 'cancelled', `cancelled after ${r.card.dataset.chunks || 0} chunks`);
      break;
    case 'error':
      finish(r, 'error', 'failed', msg.error || msg);
      break;
    default:
      break;
  }
}

function updateInFlight() {
  const n = [...requests.values()].filter((r) => !r.finished).length;
  inFlightLabel.textContent = n ? `${n} in flight` : '';
  document.body.dataset.inFlight = String(n);
}
