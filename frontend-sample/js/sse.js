// Server-sent events over fetch: EventSource can only GET and cannot send an Authorization header, so
// the pages POST (or GET) with fetch and parse the streamed body themselves.

/** Yields {event, data, id} for each event of a text/event-stream response body, as it arrives. */
export async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      // Normalise CRLF/CR line ends; a trailing CR may be the first half of a CRLF split across reads.
      const keep = buffer.endsWith('\r') ? '\r' : '';
      buffer = buffer.slice(0, buffer.length - keep.length).replace(/\r\n?/g, '\n') + keep;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parse(block);
        if (event) yield event;
      }
    }
    const last = parse(buffer.replace(/\r\n?/g, '\n'));
    if (last) yield last;
  } finally {
    reader.releaseLock();
  }
}

function parse(block) {
  let event = 'message';
  let id;
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  return data.length ? { event, data: data.join('\n'), id } : null;
}

/** Reads a failed response as the gateway's error shape {error:{message,type,code,attempts?}}. */
export async function errorOf(response) {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    if (body && body.error) return body.error;
  } catch (_) { /* not JSON */ }
  return { message: text || response.statusText || 'Request failed', code: `http_${response.status}` };
}
