// Fills a route <select> with the gateway's models (GET /v1/models): "auto" is Path A, a model Path B.
import { authHeaders, httpUrl } from './settings.js';

export async function loadModels(select) {
  const keep = select.value;
  try {
    const response = await fetch(httpUrl('/v1/models'), { headers: authHeaders('apiKey') });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    select.querySelectorAll('option[value]:not([value=""])').forEach((o) => o.remove());
    for (const model of body.data || []) {
      select.append(new Option(`${model.id} · Path B`, model.id));
    }
    select.value = [...select.options].some((o) => o.value === keep) ? keep : '';
    select.title = '';
  } catch (e) {
    select.title = `Could not list models: ${e.message}`;
  }
}
