// The live calls view under load: a stand-in API (this script's own HTTP server, serving the
// real dashboard build) streams synthetic SSE events for BENCH_CALLS concurrent calls (each
// says something every BENCH_TURN_MS; a call ends after 12 turns and a new one takes its
// place) while Chromium shows /live. Measured in the page: frame intervals (rAF), long tasks
// (over 50 ms) and the latency of a click on a call (Event Timing), every 2 s.
//
//   node e2e/live-bench.mjs [--write ../docs/benchmarks.md]
// Env: BENCH_CALLS (500), BENCH_TURN_MS (3000), BENCH_SECS (30), SCREENSHOT (a PNG path).
import { createServer } from "node:http";
import { readFileSync, existsSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { cpus, totalmem } from "node:os";
import { launch } from "./browser.mjs";

const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const TURN_MS = Number(process.env.BENCH_TURN_MS ?? 3000);
const SECS = Number(process.env.BENCH_SECS ?? 30);
const TURNS_PER_CALL = 12;
const DIST = resolve(import.meta.dirname, "..", "dist");
if (!existsSync(join(DIST, "index.html"))) throw new Error("no dashboard build: run npm run build first");

// --- synthetic calls ---------------------------------------------------------------------
const LINES = [
  ["en", "Hello, this is the assistant of Acme Solar. Would you be open to a short meeting?", "Yes, that sounds interesting. How about Thursday at 3 pm?"],
  ["he", "שלום, כאן העוזרת של אקמה סולאר. האם תהיה פתוח לפגישה קצרה?", "כן, זה נשמע מעניין. מה לגבי יום חמישי בשלוש?"],
  ["ar", "مرحبا، معك مساعدة أكمي سولار. هل تود تحديد اجتماع قصير؟", "نعم، يبدو هذا مثيرا للاهتمام. ما رأيك في يوم الخميس؟"],
];
let seq = 0;
const live = new Map();
function newCall(now) {
  const n = seq++;
  const [language] = LINES[n % LINES.length];
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const call = { id, n, language, lead_id: `lead-${n}`, started: now, turns: 0, next: now + Math.random() * TURN_MS };
  live.set(id, call);
  return { type: "call_started", call_id: id, lead_id: call.lead_id, campaign_id: "bench", attempt: 1, language, at: new Date(now).toISOString() };
}
function summary(c) {
  return { id: c.id, lead_id: c.lead_id, lead_name: `${["Emily Carter", "נועה כהן", "ليلى حداد"][c.n % 3]} ${c.n}`, phone: `+1415555${String(c.n).padStart(4, "0")}`, campaign_id: "bench", workflow_id: `lead-bench-${c.n}`, attempt: 1, status: "in-progress", outcome: null, language: c.language, dialed_at: new Date(c.started).toISOString(), ended_at: null, duration_secs: null, has_recording: false };
}
/** Events due by `now`: turns of live calls, ends, and replacements. */
function tick(now) {
  const out = [];
  for (const c of [...live.values()]) {
    if (c.next > now) continue;
    if (c.turns === TURNS_PER_CALL) {
      live.delete(c.id);
      out.push({ type: "call_ended", call_id: c.id, lead_id: c.lead_id, campaign_id: "bench", outcome: "interested", duration_secs: Math.round((now - c.started) / 1000), at: new Date(now).toISOString() });
      out.push(newCall(now));
      continue;
    }
    const speaker = c.turns % 2 ? "callee" : "agent";
    const text = LINES[c.n % LINES.length][1 + (c.turns % 2)];
    out.push({ type: "turn", call_id: c.id, lead_id: c.lead_id, campaign_id: "bench", idx: c.turns, speaker, text, confidence: speaker === "callee" ? 0.9 : null, at: new Date(now).toISOString() });
    c.turns++;
    c.next = now + TURN_MS * (0.5 + Math.random());
  }
  return out;
}

// --- the stand-in API and the static build -----------------------------------------------
let eventsSent = 0;
const streams = new Set();
const TYPES = { ".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml" };
const json = (res, body) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  const p = url.pathname;
  if (p === "/api/events") {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(": hello\n\n");
    streams.add(res);
    req.on("close", () => streams.delete(res));
  } else if (p === "/api/calls") json(res, { calls: [...live.values()].map(summary), next_cursor: null });
  else if (p.startsWith("/api/calls/")) {
    const c = live.get(p.slice(11));
    json(res, { ...(c ? summary(c) : {}), transcript: [] });
  } else if (p === "/api/leads") json(res, { leads: [], next_cursor: null });
  else if (p.startsWith("/api/")) json(res, {});
  else {
    const file = join(DIST, p);
    const path = file.startsWith(DIST) && extname(p) && existsSync(file) ? file : join(DIST, "index.html");
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
    res.end(readFileSync(path));
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

const start = Date.now();
for (let i = 0; i < CALLS; i++) newCall(start);
const pump = setInterval(() => {
  const events = tick(Date.now());
  if (!events.length || !streams.size) return;
  const chunk = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
  for (const s of streams) s.write(chunk);
  eventsSent += events.length;
}, 50);

// --- the browser ---------------------------------------------------------------------------
const { page, close } = await launch();
await page.addInitScript(() => {
  sessionStorage.setItem("callwright.apiKey", "cwk_bench");
  window.__bench = { frames: [], longTasks: [], events: [] };
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__bench.longTasks.push(e.duration))).observe({ type: "longtask", buffered: true });
  new PerformanceObserver((l) => l.getEntries().forEach((e) => e.name === "click" && window.__bench.events.push(e.duration))).observe({ type: "event", durationThreshold: 16, buffered: true });
});
await page.goto(`${base}/live`);
await page.waitForFunction((n) => document.querySelectorAll(".live-list li").length >= n, CALLS, { timeout: 30_000 });
await page.waitForTimeout(2000); // settle: names loaded, first turns in
await page.evaluate(() => {
  const b = window.__bench;
  b.frames = [];
  b.longTasks = [];
  b.events = [];
  let last = performance.now();
  const frame = (t) => {
    b.frames.push(t - last);
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
});
const sentBefore = eventsSent;
const clickLatency = [];
const until = Date.now() + SECS * 1000;
let i = 0;
while (Date.now() < until) {
  await page.waitForTimeout(2000);
  const rows = page.locator(".live-list .call-row");
  const t0 = Date.now();
  await rows.nth((i++ * 37) % CALLS).click();
  await page.locator(".live-list li.active").waitFor();
  clickLatency.push(Date.now() - t0);
}
const m = await page.evaluate(() => window.__bench);
const shownCalls = await page.locator(".live-list li").count();
if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
await close();
clearInterval(pump);
for (const s of streams) s.end();
server.close();

// --- report --------------------------------------------------------------------------------
const q = (xs, f) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(f * s.length))] : 0;
};
const ms = (x) => x.toFixed(1);
const sent = eventsSent - sentBefore;
const frames = m.frames.slice(1);
const row = {
  calls: CALLS,
  eventsPerSec: Math.round(sent / SECS),
  fps: (frames.length / SECS).toFixed(1),
  p50: ms(q(frames, 0.5)),
  p95: ms(q(frames, 0.95)),
  p99: ms(q(frames, 0.99)),
  max: ms(Math.max(0, ...frames)),
  longTasks: m.longTasks.length,
  longMs: Math.round(m.longTasks.reduce((a, b) => a + b, 0)),
  longMax: Math.round(Math.max(0, ...m.longTasks)),
  click: `${Math.round(q(clickLatency, 0.5))} / ${Math.max(0, ...clickLatency)}`,
  eventTiming: m.events.length ? Math.round(Math.max(...m.events)) : "< 16",
};
const command = `make bench-dashboard  # BENCH_CALLS=${CALLS} BENCH_TURN_MS=${TURN_MS} BENCH_SECS=${SECS} scripts/dashboard-bench.sh`;
const section = [
  `Command: \`${command}\` (run ${new Date().toISOString().slice(0, 10)})`,
  "",
  `Machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory; Chromium headless, 1400×900, ${SECS} s measured after the list filled (${shownCalls} rows at the end).`,
  "",
  "| live calls | events/s | frames/s | frame p50 ms | p95 | p99 | max | long tasks | long-task ms total | longest ms | click → selected p50 / max ms | click event duration max ms |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|",
  `| ${row.calls} | ${row.eventsPerSec} | ${row.fps} | ${row.p50} | ${row.p95} | ${row.p99} | ${row.max} | ${row.longTasks} | ${row.longMs} | ${row.longMax} | ${row.click} | ${row.eventTiming} |`,
].join("\n");
console.log(section);

const i2 = process.argv.indexOf("--write");
if (i2 > 0) {
  const doc = process.argv[i2 + 1];
  const text = readFileSync(doc, "utf8");
  const [open, end] = ["<!-- bench:dashboard:start -->", "<!-- bench:dashboard:end -->"];
  const a = text.indexOf(open);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${doc} has no ${open} … ${end} section`);
  writeFileSync(doc, text.slice(0, a + open.length) + "\n" + section + "\n" + text.slice(b));
  console.log(`updated ${doc}`);
}
