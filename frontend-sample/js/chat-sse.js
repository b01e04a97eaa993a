// Chat over SSE: POST /api/chat/stream, the body read as it streams.
import { authHeaders, httpUrl, mountSettings, secret } from './settings.js';
import { readEvents, errorOf } from './sse.js';
import { el, errorBox, routeCard } from './render.js';
import { loadModels } from './models.js';
import { toolCalls, withTools } from './tools.js';

const transcript = document.getElementById('transcript');
const composer = document.getElementById('composer');
const message = document.getElementById('message');
const model = document.getElementById('model');
const send = document.getElementById('send');
const stop = document.getElementById('stop');
const offerTool = document.getElementById('offer-tool');
const resumable = document.getElementById('resumable');
const history = [];
let controller = null;

mountSettings(document.getElementById('settings'), 'apiKey', () => loadModels(model));
loadModels(model);

message.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); composer.requestSubmit(); }
});
stop.addEventListener('click', () => controller && controller.abort());
document.getElementById('clear').addEventListener('click', () => { history.length = 0; transcript.replaceChildren(); });

composer.addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = message.value.trim();
  if (!text || controller) return;
  history.push({ role: 'user', content: text });
  const turn = newTurn(text);
  message.value = '';
  controller = new AbortController();
  send.disabled = true; stop.disabled = false;
  try {
    const answer = await (resumable.checked ? askResumable : ask)(turn, controller.signal);
    if (answer) history.push({ role: 'assistant', content: answer });
    else history.pop();
  } finally {
    controller = null; send.disabled = false; stop.disabled = true;
    turn.bubble.classList.remove('streaming');
  }
});

function newTurn(text) {
  const answer = el('span.answer');
  const state = el('div.state', {}, 'waiting for the first token…');
  const meta = el('div.meta');
  const bubble = el('div.bubble.assistant.streaming', {}, state, answer, meta);
  const node = el('article.turn', {}, el('div.bubble.user', {}, text), bubble);
  transcript.append(node);
  node.scrollIntoView({ block: 'end' });
  return { node, bubble, answer, state, meta, chunks: 0, started: performance.now() };
}

function setState(turn, name, text) {
  turn.state.className = `state state-${name}`;
  turn.state.textContent = text;
  turn.bubble.dataset.state = name;
}

/**
 * POSTs the conversation to /api/chat/stream with the given extra headers; the response, or null when the
 * gateway could not be reached (the turn then shows why).
 */
async function postTurn(turn, signal, headers) {
  const body = withTools({ messages: history.slice() }, offerTool);
  if (model.value) body.model = model.value;
  try {
    return await fetch(httpUrl('/api/chat/stream'), {
      method: 'POST',
      headers: authHeaders('apiKey', { 'content-type': 'application/json', ...headers }),
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    setState(turn, signal.aborted ? 'stopped' : 'error', signal.aborted ? 'stopped' : 'could not reach the gateway');
    if (!signal.aborted) turn.meta.append(errorBox({ message: `${err.message} (is the gateway URL right, and does it allow this origin?)`, code: 'network_error' }));
    return null;
  }
}

/** Streams one answer into the turn; returns the text when it completed, null otherwise. */
async function ask(turn, signal) {
  const response = await postTurn(turn, signal, { accept: 'text/event-stream' });
  if (!response) return null;
  if (!response.ok || !(response.headers.get('content-type') || '').includes('text/event-stream')) {
    // Nothing was streamed: the gateway answered with a plain JSON error (all candidates failed, bad request…).
    const error = await errorOf(response);
    setState(turn, 'error', `failed · HTTP ${response.status}`);
    turn.meta.append(errorBox(error, `HTTP ${response.status}`));
    return null;
  }
  const committed = ['provider', 'key', 'model'].map((h) => response.headers.get(`x-switchboard-${h}`)).filter(Boolean);
  setState(turn, 'streaming', committed.length ? `streaming from ${committed.join(' · ')}` : 'streaming');
  let text = '';
  let ttft;
  const toolCall = toolCalls(turn.meta);
  try {
    for await (const event of readEvents(response)) {
      const data = JSON.parse(event.data);
      if (event.event === 'chunk') {
        if (ttft === undefined) ttft = performance.now() - turn.started;
        text += data.delta;
        turn.answer.textContent = text;
        turn.chunks += 1;
        turn.bubble.dataset.chunks = String(turn.chunks);
      } else if (event.event === 'tool_call') {
        if (ttft === undefined) ttft = performance.now() - turn.started;
        toolCall(data);
        turn.chunks += 1;
        turn.bubble.dataset.chunks = String(turn.chunks);
      } else if (event.event === 'done') {
        setState(turn, 'done', data.tool_calls ? 'done · the model called a tool' : 'done');
        turn.meta.append(routeCard(data, { ttft }));
        return text || (data.tool_calls ? null : text);
      } else if (event.event === 'error') {
        setState(turn, 'error', 'stream interrupted');
        turn.meta.append(errorBox(data.error || data, 'The stream broke after it started'));
        return null;
      }
    }
    setState(turn, 'error', 'stream ended early');
    turn.meta.append(errorBox({ message: 'The stream ended without a done event.', code: 'stream_truncated' }));
  } catch (err) {
    if (signal.aborted) {
      setState(turn, 'stopped', `stopped after ${turn.chunks} chunks`);
    } else {
      setState(turn, 'error', 'stream failed');
      turn.meta.append(errorBox({ message: err.message, code: 'network_error' }));
    }
  }
  return null;
}

/**
 * The resumable way: POST with Prefer: respond-async (202 with the stream's events URL), then EventSource on
 * that URL. When the connection drops, EventSource reconnects by itself with Last-Event-ID and the gateway
 * continues with the next event; the turn counts the reconnects in data-reconnects.
 */
async function askResumable(turn, signal) {
  const response = await postTurn(turn, signal, { prefer: 'respond-async' });
  if (!response) return null;
  if (response.status !== 202) {
    const error = await errorOf(response);
    setState(turn, 'error', `failed · HTTP ${response.status}`);
    turn.meta.append(errorBox(error, `HTTP ${response.status}`));
    return null;
  }
  const started = await response.json();
  const url = new URL(started.events_url, httpUrl('/'));
  if (secret('apiKey')) url.searchParams.set('access_token', secret('apiKey'));
  setState(turn, 'streaming', 'streaming (resumable)');
  turn.bubble.dataset.reconnects = '0';
  turn.bubble.dataset.stream = started.id;
  let text = '';
  let ttft;
  const toolCall = toolCalls(turn.meta);
  return new Promise((resolve) => {
    const source = new EventSource(url);
    const finish = (value) => { source.close(); resolve(value); };
    signal.addEventListener('abort', () => { setState(turn, 'stopped', `stopped after ${turn.chunks} chunks`); finish(null); });
    const counted = () => {
      if (ttft === undefined) ttft = performance.now() - turn.started;
      turn.chunks += 1;
      turn.bubble.dataset.chunks = String(turn.chunks);
    };
    source.addEventListener('chunk', (e) => {
      counted();
      text += JSON.parse(e.data).delta;
      turn.answer.textContent = text;
    });
    source.addEventListener('tool_call', (e) => { counted(); toolCall(JSON.parse(e.data)); });
    source.addEventListener('done', (e) => {
      const data = JSON.parse(e.data);
      setState(turn, 'done', data.tool_calls ? 'done · the model called a tool' : 'done');
      turn.meta.append(routeCard(data, { ttft }));
      finish(text || (data.tool_calls ? null : text));
    });
    source.addEventListener('error', (e) => {
      if (e.data) {
        // the gateway's own event: error (the upstream broke mid-stream)
        const data = JSON.parse(e.data);
        setState(turn, 'error', 'stream interrupted');
        turn.meta.append(errorBox(data.error || data, 'The stream broke after it started'));
        finish(null);
      } else if (source.readyState === EventSource.CONNECTING) {
        // the connection dropped: EventSource reconnects with Last-Event-ID by itself
        turn.bubble.dataset.reconnects = String(Number(turn.bubble.dataset.reconnects) + 1);
        setState(turn, 'streaming', `reconnecting after ${turn.chunks} chunks…`);
      } else {
        setState(turn, 'error', 'stream lost');
        turn.meta.append(errorBox({ message: 'The stream could not be resumed (expired, or the gateway is unreachable).', code: 'stream_expired' }));
        finish(null);
      }
    });
  });
}
