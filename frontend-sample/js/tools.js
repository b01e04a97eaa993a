// Tool calling on the sample pages: the tool a request may offer, and a card that shows the calls that come back.
import { el } from './render.js';

/** One function in OpenAI's shape, which every surface of the gateway takes. */
export const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The current weather in a city.',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', description: 'The city, e.g. Paris' } },
      required: ['city'],
    },
  },
};

/** Adds the tool to a request body when the page's checkbox asks for it. */
export function withTools(body, checkbox) {
  if (checkbox && checkbox.checked) body.tools = [WEATHER_TOOL];
  return body;
}

/**
 * Collects the fragments of the tool calls of one answer ({index, call_id, name, arguments}) and shows
 * them in one card, the arguments growing as they stream.
 */
export function toolCalls(container) {
  const calls = new Map();
  let card = null;
  return function add(fragment) {
    if (!card) {
      card = el('div.tool-calls', {}, el('div.tool-calls-title', {}, 'tool call'));
      container.append(card);
    }
    let call = calls.get(fragment.index);
    if (!call) {
      const name = el('code.tool-name');
      const args = el('pre.tool-args');
      card.append(el('div.tool-call', {}, name, args));
      call = { name, args, text: '' };
      calls.set(fragment.index, call);
    }
    if (fragment.name) call.name.textContent = `${fragment.name}(…)`;
    call.text += fragment.arguments || '';
    call.args.textContent = pretty(call.text);
    card.dataset.calls = String(calls.size);
    return call;
  };
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
