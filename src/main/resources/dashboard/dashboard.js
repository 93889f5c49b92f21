// The operator's page. Every few seconds it reads the application's own APIs: /api/pipelines/overview (pipelines and
// services), /api/cluster (instances, singletons, partitions), /api/candles per symbol of /api/markets, the latest product-views report and the cheapest flights of one
// route. Text that comes from records (dead-letter reasons, product ids, airlines) is set as text, never as HTML: a
// hostile record must not become markup on the operator's page.
const REFRESH_MS = 5000;
const TOP = 10;
const charts = {};
const sparklines = {};
let markets = { symbols: [], intervals: [] };

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');
const price = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 };

async function json(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(url + ' -> ' + r.status);
  return r.json();
}

function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function utcTime(iso) {
  return iso ? iso.substring(11, 19) : '';
}

// ---- services -------------------------------------------------------------------------------------------------

function drawServices(overview) {
  const list = document.getElementById('services');
  list.replaceChildren(...Object.entries(overview.services).map(([name, s]) => {
    const li = el('li', 'service ' + s.state.toLowerCase());
    li.dataset.service = name;
    li.dataset.state = s.state;
    li.title = `${s.address}: ${s.state === 'UP' ? s.answer : s.message}`;
    li.append(el('b', null, name), el('span', 'health', s.state), el('small', null, s.state === 'UP' ? s.answer : s.message));
    return li;
  }));
  document.getElementById('checked').textContent = overview.checkedAt
    ? `· checked ${utcTime(overview.checkedAt)} UTC` : '· not checked yet';
}

// ---- pipelines ------------------------------------------------------------------------------------------------

// A pipeline's row is built once and then only updated: its sparkline keeps its chart across refreshes.
function rowFor(name) {
  let row = document.querySelector(`article.pipeline[data-pipeline="${CSS.escape(name)}"]`);
  if (row) return row;
  row = el('article', 'pipeline');
  row.dataset.pipeline = name;
  const title = el('div', 'title');
  title.append(el('h3', null, name), el('span', 'state'));
  const spark = el('div', 'spark');
  const numbers = el('dl', 'numbers');
  for (const [label, cls] of [['in', 'rate-in'], ['out', 'rate-out'], ['lag', 'lag'], ['total', 'totals']]) {
    numbers.append(el('dt', null, label), el('dd', cls));
  }
  const dlq = el('div', 'dlq');
  const head = el('p', 'dlq-head');
  head.append(el('span', 'dlq-count'), ' dead letters');
  dlq.append(head, el('ol', 'reasons'));
  row.append(title, spark, numbers, dlq, el('p', 'flow'), el('p', 'error'));
  document.getElementById('pipelines').append(row);
  sparklines[name] = echarts.init(spark);
  return row;
}

function rate(v) {
  return v >= 100 ? whole.format(Math.round(v)) : v.toFixed(1);
}

function drawPipelines(overview) {
  const historyMinutes = Math.round(overview.historySeconds / 60);
  document.getElementById('rates-note').textContent =
    `· records/s over the last ${historyMinutes} min (in: blue, out: green), sampled every ${overview.sampleSeconds} s`;
  const now = overview.time;
  for (const [name, p] of Object.entries(overview.pipelines)) {
    const row = rowFor(name);
    row.dataset.state = p.state;
    row.dataset.dlq = p.dlq;
    row.querySelector('.state').textContent = p.state;
    row.querySelector('.flow').textContent = p.flow;
    row.querySelector('.rate-in').textContent = `${rate(p.rate.in)}/s`;
    row.querySelector('.rate-out').textContent = `${rate(p.rate.out)}/s`;
    row.querySelector('.lag').textContent =
      p.consumerLag == null ? 'not measured yet' : p.consumerLag < 0 ? 'unknown' : whole.format(p.consumerLag);
    row.querySelector('.totals').textContent = `${compact.format(p.in)} in · ${compact.format(p.out)} out`
      + (p.dropped ? ` · ${compact.format(p.dropped)} dropped` : '');
    row.querySelector('.dlq-count').textContent = whole.format(p.dlq);
    row.querySelector('.dlq').classList.toggle('some', p.dlq > 0);
    row.querySelector('.reasons').replaceChildren(...p.deadLetters.map(d => {
      const li = el('li');
      li.title = `${d.time} · ${d.topic} · ${d.origin}`;
      li.append(el('time', null, utcTime(d.time)), ' ', el('span', 'reason', d.reason));
      return li;
    }));
    const error = row.querySelector('.error');
    error.textContent = p.lastError ? 'last error: ' + p.lastError : '';
    error.title = p.lastError;
    const spark = sparklines[name];
    // the window of the history, or less while the application has not run that long yet
    const since = Math.max(now - overview.historySeconds * 1000, p.rates.length ? p.rates[0].t : now);
    spark.setOption({
      animation: false,
      useUTC: true,
      grid: { left: 2, right: 2, top: 6, bottom: 2 },
      xAxis: { type: 'time', show: false, min: since, max: now },
      yAxis: { type: 'value', show: false, min: 0 },
      tooltip: { trigger: 'axis', confine: true },
      series: [
        { name: 'in/s', type: 'line', showSymbol: false, color: '#3b82f6', lineStyle: { width: 1.5 },
          areaStyle: { opacity: 0.12 }, data: p.rates.map(r => [r.t, r.in]) },
        { name: 'out/s', type: 'line', showSymbol: false, color: '#16a34a', lineStyle: { width: 1.5 },
          data: p.rates.map(r => [r.t, r.out]) }
      ]
    });
    // the row's columns settle once its text is in: measure again
    spark.resize();
    spark.getDom().dataset.points = spark.getOption().series[0].data.length;
  }
}

// ---- candles --------------------------------------------------------------------------------------------------

function intervalMillis(label) {
  const m = /^(\d+)([mhd])$/.exec(label);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : UNIT_MS.m;
}

function chartFor(symbol) {
  if (!charts[symbol]) {
    const box = el('div', 'chart-box');
    const div = el('div', 'chart');
    div.id = 'chart-' + symbol;
    box.append(el('h3', null, symbol), div);
    document.getElementById('charts').append(box);
    charts[symbol] = echarts.init(div);
  }
  return charts[symbol];
}

async function drawCandles() {
  const interval = document.getElementById('interval').value;
  const step = intervalMillis(interval);
  let drawn = 0;
  for (const symbol of markets.symbols) {
    const candles = (await json(`/api/candles?symbol=${symbol}&interval=${interval}&limit=60`)).reverse();
    drawn += candles.length;
    const times = candles.map(c => Date.parse(c.window_start));
    // both grids share one time range, half a candle of room at each end, so the volume bars sit under their candles
    const range = times.length ? { min: times[0] - step, max: times[times.length - 1] + step } : {};
    const chart = chartFor(symbol);
    chart.setOption({
      animation: false,
      useUTC: true,
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      tooltip: { trigger: 'axis', axisPointer: { type: 'cross' } },
      grid: [{ left: 84, right: 24, top: 12, height: '60%' }, { left: 84, right: 24, top: '76%', bottom: 28 }],
      xAxis: [
        { type: 'time', ...range, axisLabel: { show: false }, axisTick: { show: false } },
        // ticks no closer than one candle: a label per candle at most, never the same minute twice
        { type: 'time', gridIndex: 1, ...range, minInterval: step, splitNumber: 6, axisLabel: { hideOverlap: true } }
      ],
      yAxis: [
        { scale: true, splitNumber: 4, axisLabel: { formatter: v => price.format(v) } },
        { gridIndex: 1, min: 0, splitNumber: 2, splitLine: { show: false },
          axisLabel: { formatter: v => compact.format(v) } }
      ],
      series: [
        { name: symbol, type: 'candlestick', encode: { x: 0, y: [1, 2, 3, 4] }, barMaxWidth: 14,
          itemStyle: { color: '#16a34a', color0: '#dc2626', borderColor: '#16a34a', borderColor0: '#dc2626' },
          data: candles.map((c, i) => [times[i], c.open_price, c.close_price, c.low_price, c.high_price]) },
        { name: 'volume', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, barMaxWidth: 14, color: '#94a3b8',
          data: candles.map((c, i) => [times[i], c.total_volume]) }
      ]
    }, true);
    // what the chart really drew, for whoever checks the page without a screen (DashboardIT)
    const used = chart.getOption();
    const data = used.series[0].data;
    const dom = chart.getDom();
    dom.dataset.xAxis = used.xAxis[0].type;
    dom.dataset.count = data.length;
    dom.dataset.first = data.length ? new Date(data[0][0]).toISOString() : '';
    dom.dataset.last = data.length ? new Date(data[data.length - 1][0]).toISOString() : '';
  }
  const status = document.getElementById('status');
  status.dataset.candles = drawn;
  status.dataset.updated = new Date().toISOString();
  status.textContent = `${drawn} candles · updated ${utcTime(status.dataset.updated)} UTC`;
}

// ---- product views and fares ----------------------------------------------------------------------------------

function topRows(rows, key) {
  return rows.slice(0, TOP).map(r =>
    `<tr><td>${esc(r[key])}</td><td>${esc(r.view_count)}</td><td>${esc(r.unique_visitors)}</td></tr>`).join('');
}

async function drawProductViews() {
  const report = await json('/api/reports/product-views');
  const date = document.getElementById('report-date');
  date.dataset.date = report.report_date || '';
  date.textContent = report.report_date
    ? `· report of ${report.report_date} (UTC)`
    : '· no report yet (daily at product-views.report.cron, or POST /api/reports/product-views)';
  document.querySelector('#top-products tbody').innerHTML = topRows(report.products, 'product_id');
  document.querySelector('#top-stores tbody').innerHTML = topRows(report.stores, 'store_id');
}

function money(v, currency) {
  return `${Number(v).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}

async function drawFares() {
  const from = encodeURIComponent(document.getElementById('fare-from').value);
  const to = encodeURIComponent(document.getElementById('fare-to').value);
  const answer = await json(`/api/flights?from=${from}&to=${to}&sort=price&limit=${TOP}`);
  const status = document.getElementById('fare-status');
  status.dataset.count = answer.count;
  status.textContent = answer.count ? `· ${answer.count} cheapest flights` : '· no flights seen yet on this route';
  document.querySelector('#fare-table tbody').innerHTML = answer.flights.map(f =>
    `<tr><td>${esc(f.flight_number)}</td><td>${esc(f.airline)}</td>`
    + `<td>${esc(f.departure_time.substring(0, 16).replace('T', ' '))}</td>`
    + `<td>${esc(money(f.latest_price, f.currency))}</td><td>${esc(money(f.lowest_price, f.currency))}</td>`
    + `<td>${esc(f.latest_source_site)}</td></tr>`).join('');
}

// ---- cluster --------------------------------------------------------------------------------------------------

function cells(tr, values) {
  values.forEach(v => tr.append(el('td', null, v)));
  return tr;
}

async function drawCluster() {
  const cluster = await json('/api/cluster');
  const owned = {};
  cluster.partitions.filter(p => p.instance).forEach(p => { owned[p.instance] = (owned[p.instance] || 0) + 1; });
  const leads = {};
  cluster.singletons.filter(s => s.instance).forEach(s => { leads[s.instance] = (leads[s.instance] || 0) + 1; });
  document.querySelector('#cluster-members tbody').replaceChildren(...cluster.members.map(m => {
    const tr = cells(el('tr'), [m.instance + (m.local ? ' (this page)' : ''), `${m.since.substring(0, 10)} ${utcTime(m.since)}`,
      whole.format(leads[m.instance] || 0), whole.format(owned[m.instance] || 0)]);
    tr.dataset.instance = m.instance;
    return tr;
  }));
  document.querySelector('#cluster-singletons tbody').replaceChildren(...cluster.singletons.map(s => {
    const tr = cells(el('tr'), [s.route, s.instance || 'nobody (taking over)', s.since ? utcTime(s.since) : '']);
    tr.dataset.route = s.route;
    return tr;
  }));
  const groups = new Set(cluster.partitions.map(p => p.group)).size;
  document.getElementById('cluster-note').textContent =
    `· ${cluster.members.length} instance(s); ${cluster.partitions.length} partitions of ${groups} consumer groups`;
}

// ---- refresh --------------------------------------------------------------------------------------------------

async function drawOverview() {
  const overview = await json('/api/pipelines/overview');
  drawServices(overview);
  drawPipelines(overview);
}

async function refresh() {
  // one panel failing (a pipeline disabled, an API down) leaves the others drawn
  const results = await Promise.allSettled([drawOverview(), drawCluster(), drawCandles(), drawProductViews(), drawFares()]);
  const failed = results.filter(r => r.status === 'rejected').map(r => r.reason.message);
  if (failed.length) {
    document.getElementById('status').textContent = 'error: ' + failed.join('; ');
  }
  // the page's full height, for a screenshot of all of it
  document.body.dataset.height = document.documentElement.scrollHeight;
}

(async () => {
  try {
    markets = await json('/api/markets');
  } catch (e) {
    // crypto-prices disabled: no candles, the rest of the page still works
  }
  const select = document.getElementById('interval');
  select.innerHTML = markets.intervals.map(i => `<option>${esc(i)}</option>`).join('');
  select.onchange = refresh;
  window.addEventListener('resize', () => [...Object.values(charts), ...Object.values(sparklines)].forEach(c => c.resize()));
  await refresh();
  setInterval(refresh, REFRESH_MS);
})();
