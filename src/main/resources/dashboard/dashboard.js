// Polls the application's own APIs: /api/markets once, then /api/candles per symbol, /api/pipelines and the latest
// product-views report and the cheapest flights of one route.
const charts = {};
let markets = { symbols: [], intervals: [] };

async function json(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(url + ' -> ' + r.status);
  return r.json();
}

function chartFor(symbol) {
  if (!charts[symbol]) {
    const h = document.createElement('h2');
    h.textContent = symbol;
    const div = document.createElement('div');
    div.className = 'chart';
    div.id = 'chart-' + symbol;
    document.getElementById('charts').append(h, div);
    charts[symbol] = echarts.init(div);
  }
  return charts[symbol];
}

async function drawCandles() {
  const interval = document.getElementById('interval').value;
  let drawn = 0;
  for (const symbol of markets.symbols) {
    const candles = (await json(`/api/candles?symbol=${symbol}&interval=${interval}&limit=60`)).reverse();
    drawn += candles.length;
    const times = candles.map(c => new Date(c.window_start).toISOString().substring(11, 16));
    chartFor(symbol).setOption({
      animation: false,
      grid: [{ left: 70, right: 20, top: 20, height: '62%' }, { left: 70, right: 20, top: '78%', height: '14%' }],
      xAxis: [{ type: 'category', data: times, boundaryGap: true }, { type: 'category', gridIndex: 1, data: times, show: false }],
      yAxis: [{ scale: true }, { gridIndex: 1, scale: true, splitLine: { show: false } }],
      tooltip: { trigger: 'axis' },
      series: [
        { name: symbol, type: 'candlestick', data: candles.map(c => [c.open_price, c.close_price, c.low_price, c.high_price]) },
        { name: 'volume', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: candles.map(c => c.total_volume) }
      ]
    });
  }
  const status = document.getElementById('status');
  status.dataset.candles = drawn;
  status.dataset.updated = new Date().toISOString();
  status.textContent = `${drawn} candles · updated ${status.dataset.updated.substring(11, 19)} UTC`;
}

async function drawCounters() {
  const counters = await json('/api/pipelines');
  const rows = Object.entries(counters).map(([p, c]) =>
    `<tr><td>${p}</td><td>${c.in}</td><td>${c.out}</td><td>${c.dlq}</td></tr>`);
  document.querySelector('#counters tbody').innerHTML = rows.join('');
}

const TOP = 10;

function topRows(rows, key) {
  return rows.slice(0, TOP).map(r =>
    `<tr><td>${r[key]}</td><td>${r.view_count}</td><td>${r.unique_visitors}</td></tr>`).join('');
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
    `<tr><td>${f.flight_number}</td><td>${f.airline || ''}</td><td>${f.departure_time.substring(0, 16).replace('T', ' ')}</td>`
    + `<td>${money(f.latest_price, f.currency)}</td><td>${money(f.lowest_price, f.currency)}</td>`
    + `<td>${f.latest_source_site}</td></tr>`).join('');
}

async function refresh() {
  try {
    await Promise.all([drawCandles(), drawCounters(), drawProductViews(), drawFares()]);
  } catch (e) {
    document.getElementById('status').textContent = 'error: ' + e.message;
  }
}

(async () => {
  markets = await json('/api/markets');
  const select = document.getElementById('interval');
  select.innerHTML = markets.intervals.map(i => `<option>${i}</option>`).join('');
  select.onchange = refresh;
  await refresh();
  setInterval(refresh, 5000);
})();
