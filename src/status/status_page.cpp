#include "status/status_page.hpp"

namespace mserve::status {
namespace {

// Everything the page needs is in this string. Server data is only ever inserted as text
// (textContent, SVG attributes), never parsed as HTML.
constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mserve status</title>
<style>
:root { --bg:#f6f7f9; --card:#fff; --ink:#1d2330; --dim:#6b7385; --line:#e3e6ec;
        --a:#2f6fdf; --b:#e0792b; --c:#2a9d6f; --warn:#fff4e0; --warnline:#f0b45a; }
* { box-sizing:border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;
       background:var(--bg); color:var(--ink); }
header { display:flex; flex-wrap:wrap; gap:6px 24px; align-items:baseline; padding:14px 24px;
         background:var(--ink); color:#fff; }
header h1 { margin:0; font-size:18px; font-weight:600; }
header span { color:#c9cfdb; }
main { padding:16px 24px; display:grid; gap:16px; }
.model { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 16px; }
.model h2 { margin:0 0 8px; font-size:16px; display:flex; gap:10px; align-items:center; }
.state { font-size:11px; font-weight:600; padding:2px 8px; border-radius:10px; background:#e7ecf5; }
.state.AVAILABLE { background:#dcf3e8; color:#17643f; }
.facts { display:flex; flex-wrap:wrap; gap:4px 18px; margin:0 0 10px; color:var(--dim); }
.facts b { color:var(--ink); font-weight:600; }
.advice { background:var(--warn); border-left:4px solid var(--warnline); padding:8px 10px;
          margin:0 0 10px; border-radius:4px; font-family:ui-monospace,monospace; font-size:12.5px; }
.charts { display:grid; grid-template-columns:repeat(auto-fit,minmax(260px,1fr)); gap:12px; }
figure { margin:0; }
figcaption { font-size:12px; color:var(--dim); min-height:2.8em; }
figcaption b { color:var(--ink); font-weight:600; margin-right:8px; }
figcaption i { font-style:normal; margin-right:8px; white-space:nowrap; }
.scale { font-size:11px; color:var(--dim); text-align:right; }
svg.chart { width:100%; height:110px; background:#fbfcfd; border:1px solid var(--line); border-radius:4px; }
svg.chart polyline { fill:none; stroke-width:1.6; vector-effect:non-scaling-stroke; }
.s0 { stroke:var(--a); } .s1 { stroke:var(--b); } .s2 { stroke:var(--c); }
.k0 { color:var(--a); } .k1 { color:var(--b); } .k2 { color:var(--c); }
#error { color:#b3261e; padding:0 24px; }
</style>
</head>
<body>
<header><h1>mserve</h1><span id="server">connecting…</span></header>
<div id="error"></div>
<main id="models"></main>
<script>
"use strict";
const SVG = "http://www.w3.org/2000/svg";
const CHARTS = [
  {title: "throughput (req/s)", series: [["rps", "ok"], ["fail_rps", "failed"]]},
  {title: "latency (ms)", series: [["p50_ms", "p50"], ["p90_ms", "p90"], ["p99_ms", "p99"]]},
  {title: "queue wait vs infer (ms)", series: [["queue_ms", "queue"], ["infer_ms", "infer"]]},
  {title: "concurrency (in flight)", series: [["concurrency", "mean"]]},
];
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function fmt(v) { return v === null || v === undefined ? "–" : (v >= 100 ? v.toFixed(0) : v.toFixed(2)); }
function chart(spec, history, periodMs, capacity) {
  const fig = el("figure");
  const cap = el("figcaption");
  cap.appendChild(el("b", "", spec.title));
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "chart");
  svg.setAttribute("viewBox", "0 0 300 100");
  svg.setAttribute("preserveAspectRatio", "none");
  let max = 0, points = 0;
  for (const [key] of spec.series) for (const p of history) if (p[key] !== null) max = Math.max(max, p[key]);
  // The x axis is the whole ring: a young history fills it from the right.
  const slots = Math.max(capacity, history.length, 2), first = slots - history.length;
  spec.series.forEach(([key, label], i) => {
    const coords = [];
    history.forEach((p, x) => {
      if (p[key] === null) return;
      coords.push(((first + x) / (slots - 1) * 300).toFixed(1) + "," +
                  (100 - (max > 0 ? p[key] / max * 94 : 0)).toFixed(1));
    });
    const last = history.length ? history[history.length - 1][key] : null;
    cap.appendChild(el("i", "k" + i, label + " " + fmt(last)));
    if (!coords.length) return;
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("class", "s" + i);
    line.setAttribute("points", coords.join(" "));
    svg.appendChild(line);
    points += coords.length;
  });
  svg.setAttribute("data-points", String(points));
  fig.appendChild(cap);
  fig.appendChild(svg);
  fig.appendChild(el("div", "scale", "top " + fmt(max) + " · last " +
                     Math.round(slots * periodMs / 1000) + " s"));
  return fig;
}
function fact(parent, label, value) {
  if (value === "" || value === undefined) return;
  const s = el("span", "", label + " ");
  s.appendChild(el("b", "", String(value)));
  parent.appendChild(s);
}
function model(m, periodMs, capacity, now) {
  const card = el("section", "model");
  card.dataset.model = m.name;
  card.dataset.version = String(m.version);
  const h = el("h2", "", m.name + " ");
  h.appendChild(el("span", "", "version " + m.version));
  h.appendChild(el("span", "state " + m.state, m.state));
  card.appendChild(h);
  if (m.compiled) {
    const c = m.compiled, facts = el("div", "facts");
    fact(facts, "device", c.device); fact(facts, "hint", c.hint); fact(facts, "streams", c.streams);
    fact(facts, "threads", c.threads); fact(facts, "precision", c.precision);
    fact(facts, "pinning", c.pinning); fact(facts, "nireq", c.nireq);
    fact(facts, "batching", c.max_batch_size ? "up to " + c.max_batch_size : "off");
    fact(facts, "queue bound", c.max_queue_size ? c.max_queue_size : "none");
    fact(facts, "busy", m.now.busy + "/" + c.nireq); fact(facts, "waiting", m.now.waiting);
    fact(facts, "requests", m.now.requests); fact(facts, "failures", m.now.failures);
    card.appendChild(facts);
  }
  if (m.advice) {
    const age = Math.max(0, Math.round((now - m.advice.t) / 1000));
    card.appendChild(el("div", "advice", m.advice.text + (age > 1 ? " (" + age + " s ago)" : "")));
  }
  const charts = el("div", "charts");
  for (const spec of CHARTS) charts.appendChild(chart(spec, m.history, periodMs, capacity));
  card.appendChild(charts);
  return card;
}
function render(data) {
  const s = data.server;
  document.getElementById("server").textContent =
      "version " + s.version + " · OpenVINO " + s.openvino + " · CPU " + fmt(s.cpu_used) +
      " of " + s.cpu_budget + " · up " + Math.round((s.t - s.started) / 1000) + " s";
  const box = document.getElementById("models");
  box.replaceChildren(...data.models.map(m => model(m, s.period_ms, s.history_points, s.t)));
  document.body.dataset.models = String(data.models.length);
  document.getElementById("error").textContent = "";
  return s.period_ms;
}
async function poll() {
  let period = 1000;
  try {
    const answer = await fetch("/status/data", {cache: "no-store"});
    period = render(await answer.json());
  } catch (e) {
    document.getElementById("error").textContent = "status unavailable: " + e;
  }
  setTimeout(poll, Math.max(period, 250));
}
poll();
</script>
</body>
</html>
)html";

}  // namespace

std::string_view statusPageHtml() { return kPage; }

}  // namespace mserve::status
