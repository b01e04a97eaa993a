// A small time-series line chart on <canvas>: a few series over a sliding time span, no dependencies.

export class TimeChart {
  /**
   * @param canvas the <canvas> to draw on (sized by CSS; drawn at the device pixel ratio)
   * @param series [{name, color, fill?}] in drawing order
   * @param options {spanMs, minSpanMs, unit: (v) => label, minMax}: the span grows from minSpanMs (a
   *     fresh page) to spanMs as history accumulates, so a few points are never squeezed into a corner
   */
  constructor(canvas, series, options = {}) {
    this.canvas = canvas;
    this.series = series.map((s) => ({ ...s, points: [] }));
    this.spanMs = options.spanMs || 5 * 60_000;
    this.minSpanMs = options.minSpanMs || 30_000;
    this.unit = options.unit || ((v) => `${v}`);
    this.minMax = options.minMax || 1;
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  /** Adds one value per series (null leaves a gap) at time t (ms). */
  push(t, values) {
    if (this.firstAt === undefined) this.firstAt = t;
    this.series.forEach((s, i) => s.points.push([t, values[i] ?? null]));
    const oldest = t - this.spanMs - 5_000;
    for (const s of this.series) while (s.points.length && s.points[0][0] < oldest) s.points.shift();
    this.now = t;
  }

  draw() {
    const { canvas } = this;
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (!width || !height) return;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const now = this.now || Date.now();
    const span = Math.min(this.spanMs, Math.max(this.minSpanMs, now - (this.firstAt ?? now)));
    const from = now - span;
    let max = this.minMax;
    for (const s of this.series) for (const [t, v] of s.points) if (t >= from && v !== null && v > max) max = v;
    const top = niceCeiling(max * 1.1);
    g.font = '11px system-ui, sans-serif';
    const labelWidth = Math.max(...[0, 1, 2, 3, 4].map((i) => g.measureText(this.unit((top / 4) * i)).width));
    const pad = { left: Math.ceil(labelWidth) + 10, right: 10, top: 8, bottom: 18 };
    const plotW = width - pad.left - pad.right;
    const plotH = height - pad.top - pad.bottom;
    const x = (t) => pad.left + ((t - from) / span) * plotW;
    const y = (v) => pad.top + plotH - (v / top) * plotH;

    g.fillStyle = '#8b98a9';
    g.strokeStyle = '#ffffff14';
    g.lineWidth = 1;
    g.textBaseline = 'middle';
    g.textAlign = 'right';
    for (let i = 0; i <= 4; i++) {
      const v = (top / 4) * i;
      const py = Math.round(y(v)) + 0.5;
      g.beginPath(); g.moveTo(pad.left, py); g.lineTo(width - pad.right, py); g.stroke();
      g.fillText(this.unit(v), pad.left - 6, py);
    }
    g.textBaseline = 'top';
    const stepMs = span / 4;
    for (let i = 0; i <= 4; i++) {
      const t = from + stepMs * i;
      const ago = Math.round((now - t) / 1000);
      g.textAlign = i === 0 ? 'left' : i === 4 ? 'right' : 'center';
      g.fillText(ago === 0 ? 'now' : ago >= 120 ? `-${(ago / 60).toFixed(ago % 60 ? 1 : 0)}m` : `-${ago}s`, x(t), height - pad.bottom + 4);
    }

    g.save();
    g.beginPath(); g.rect(pad.left, pad.top, plotW, plotH); g.clip();
    for (const s of this.series) {
      const runs = [];
      let run = [];
      for (const [t, v] of s.points) {
        if (v === null) { if (run.length) runs.push(run); run = []; continue; }
        run.push([x(t), y(v)]);
      }
      if (run.length) runs.push(run);
      for (const r of runs) {
        if (s.fill) {
          const gradient = g.createLinearGradient(0, pad.top, 0, pad.top + plotH);
          gradient.addColorStop(0, `${s.color}55`);
          gradient.addColorStop(1, `${s.color}05`);
          g.fillStyle = gradient;
          g.beginPath();
          g.moveTo(r[0][0], pad.top + plotH);
          r.forEach(([px, py]) => g.lineTo(px, py));
          g.lineTo(r[r.length - 1][0], pad.top + plotH);
          g.closePath();
          g.fill();
        }
        g.strokeStyle = s.color;
        g.lineWidth = 1.8;
        g.lineJoin = 'round';
        g.beginPath();
        r.forEach(([px, py], i) => (i ? g.lineTo(px, py) : g.moveTo(px, py)));
        g.stroke();
        if (r.length === 1) { g.fillStyle = s.color; g.beginPath(); g.arc(r[0][0], r[0][1], 2.5, 0, Math.PI * 2); g.fill(); }
      }
    }
    g.restore();
  }

  /** <span> legend entries for the chart's header. */
  legend() {
    return this.series.map((s) => {
      const item = document.createElement('span');
      const swatch = document.createElement('i');
      swatch.style.background = s.color;
      item.append(swatch, s.name);
      return item;
    });
  }
}

function niceCeiling(v) {
  if (v <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (v <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}
