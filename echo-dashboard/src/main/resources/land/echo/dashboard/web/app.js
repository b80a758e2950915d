// The Echo dashboard page: follows /api/events (Server-Sent Events, the snapshot of
// docs/dashboard.md) and renders it; the controls POST with the token the user pastes.
// Every value from the server is written with textContent, never as HTML.
'use strict';

const HISTORY = 120; // points per chart
const PRIORITIES = ['high', 'normal', 'low'];
const OUTCOMES = ['success', 'failure', 'timed_out', 'cancelled', 'rejected', 'capability_missing', 'panic'];
const COLORS = { high: '#ff6b6b', normal: '#4fb3ff', low: '#8a9aab', success: '#5fd38d', failure: '#f5c15c',
  timed_out: '#ff9f43', cancelled: '#a29bfe', rejected: '#74b9ff', capability_missing: '#fd79a8', panic: '#ff6b6b' };

let previous = null;
// For a second after a control, updates render even under the pointer, so that the control's
// effect shows: one update may have been taken before the control acted, the next ones after.
let forceRenderUntil = 0;
let source = null;
const charts = {};

function token() {
  return document.getElementById('token').value.trim();
}

function say(text, isError) {
  const footer = document.getElementById('message');
  footer.textContent = text;
  footer.className = isError ? 'error' : '';
}

function makeChart(id, keys) {
  if (typeof Chart === 'undefined') {
    return null; // the tables still work without charts
  }
  return new Chart(document.getElementById(id), {
    type: 'line',
    data: { labels: [], datasets: keys.map(k => ({ label: k, data: [], borderColor: COLORS[k], pointRadius: 0, tension: 0.2 })) },
    options: { animation: false, responsive: true, maintainAspectRatio: false,
      scales: { x: { display: false }, y: { beginAtZero: true, ticks: { color: '#8a9aab' } } },
      plugins: { legend: { labels: { color: '#d8e0e8' } } } }
  });
}

function push(chart, label, values) {
  if (!chart) {
    return;
  }
  chart.data.labels.push(label);
  chart.data.datasets.forEach((d, i) => d.data.push(values[i]));
  if (chart.data.labels.length > HISTORY) {
    chart.data.labels.shift();
    chart.data.datasets.forEach(d => d.data.shift());
  }
  chart.update('none');
}

function cell(row, value, cls) {
  const td = document.createElement('td');
  td.textContent = value === null || value === undefined ? '–' : String(value);
  if (cls) {
    td.className = cls;
  }
  row.appendChild(td);
  return td;
}

function num(value, digits) {
  return value === null || value === undefined ? '–' : Number(value).toFixed(digits);
}

function button(row, label, cls, action) {
  const td = document.createElement('td');
  const b = document.createElement('button');
  b.textContent = label;
  b.className = cls;
  b.disabled = token() === '';
  b.title = b.disabled ? 'paste the control token first' : '';
  b.addEventListener('click', action);
  td.appendChild(b);
  row.appendChild(td);
}

// Tables with buttons are not re-rendered while the pointer is over them, so that a button does
// not move or vanish under a click (the next update after the pointer leaves catches up).
// The state of a named queue's or bulkhead's intake, and the button that flips it.
function intake(row, base, item) {
  cell(row, item.drained ? 'drained' : 'open', item.drained ? 'drained' : '');
  const action = item.drained ? 'resume' : 'drain';
  button(row, action, action, () => control(base + encodeURIComponent(item.name) + '/' + action));
}

function fill(tableId, rows, build) {
  const table = document.getElementById(tableId);
  if (Date.now() > forceRenderUntil && table.querySelector('button') && table.matches(':hover')) {
    return;
  }
  const body = table.querySelector('tbody');
  const fresh = document.createElement('tbody');
  rows.forEach(r => {
    const tr = document.createElement('tr');
    build(tr, r);
    fresh.appendChild(tr);
  });
  if (body) {
    body.replaceWith(fresh);
  } else {
    table.appendChild(fresh);
  }
}

async function control(path, body) {
  try {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'Authorization': 'Bearer ' + token(), 'Content-Type': 'application/json' },
      body: body === undefined ? '' : JSON.stringify(body)
    });
    const reply = await response.json().catch(() => ({}));
    if (!response.ok) {
      say(path + ': ' + (reply.error || response.status), true);
    } else {
      forceRenderUntil = Date.now() + 1000;
      say(path + ': ' + JSON.stringify(reply), false);
    }
  } catch (e) {
    say(path + ': ' + e, true);
  }
}

function render(s) {
  const status = document.getElementById('status');
  status.textContent = 'live';
  status.className = 'status live';
  document.getElementById('uptime').textContent = 'up ' + Math.round(s.uptimeMillis / 1000) + ' s';
  const label = new Date(s.takenAtEpochMillis).toLocaleTimeString();
  if (previous) {
    const seconds = (s.uptimeMillis - previous.uptimeMillis) / 1000;
    if (seconds > 0) {
      push(charts.throughput, label, PRIORITIES.map(p => (s.priorities[p].completed - previous.priorities[p].completed) / seconds));
      push(charts.outcomes, label, OUTCOMES.map(o => ((s.outcomes[o] || 0) - (previous.outcomes[o] || 0)) / seconds));
    }
  }
  previous = s;

  const sch = s.scheduler;
  fill('scheduler', [
    ['workers', sch.workers], ['running', sch.running], ['parked', sch.parked], ['steals', sch.steals],
    ['queued high', sch.queued.high], ['queued normal', sch.queued.normal], ['queued low', sch.queued.low],
    ['blocking lane running', sch.blockingRunning], ['tasks completed', sch.completed]
  ], (tr, kv) => { cell(tr, kv[0]); cell(tr, kv[1], 'num'); });

  fill('namedQueues', sch.namedQueues, (tr, q) => {
    tr.dataset.name = q.name;
    cell(tr, q.name);
    cell(tr, q.running + ' / ' + q.limit, 'num');
    cell(tr, q.waiting, 'num');
    intake(tr, '/api/queues/', q);
  });

  fill('names', s.names, (tr, n) => {
    cell(tr, n.name);
    cell(tr, n.completed, 'num');
    cell(tr, n.successRate === null ? '–' : (100 * n.successRate).toFixed(1) + '%', 'num');
    cell(tr, n.inFlight, 'num');
    [n.queueWait, n.run].forEach(l => {
      cell(tr, num(l.p50Millis, 3), 'num');
      cell(tr, num(l.p99Millis, 3), 'num');
      cell(tr, num(l.maxMillis, 3), 'num');
    });
  });

  document.getElementById('inflight-total').textContent = '(' + s.inFlightTotal + ')';
  fill('inflight', s.inFlight, (tr, e) => {
    tr.dataset.id = e.id;
    cell(tr, e.id, 'num');
    cell(tr, e.name);
    cell(tr, e.priority);
    cell(tr, num(e.ageMillis, 1), 'num');
    cell(tr, e.started ? 'running' : 'queued');
    cell(tr, e.attempt, 'num');
    button(tr, 'cancel', 'cancel', () => control('/api/effects/' + e.id + '/cancel'));
  });

  fill('breakers', s.breakers, (tr, b) => {
    tr.dataset.name = b.name;
    cell(tr, b.name);
    cell(tr, b.state, 'state-' + b.state);
    cell(tr, b.failureRate === null ? '–' : num(b.failureRate, 1) + '%', 'num');
    cell(tr, b.bufferedCalls, 'num');
    cell(tr, b.notPermittedCalls, 'num');
    const td = document.createElement('td');
    tr.appendChild(td);
    [['force open', 'OPEN', 'open'], ['close', 'CLOSED', 'close']].forEach(([text, state, cls]) => {
      const b2 = document.createElement('button');
      b2.textContent = text;
      b2.className = cls;
      b2.disabled = token() === '';
      b2.addEventListener('click', () => control('/api/breakers/' + encodeURIComponent(b.name) + '/state', { state: state }));
      td.appendChild(b2);
    });
  });
  fill('rateLimits', s.rateLimits, (tr, r) => {
    cell(tr, r.name); cell(tr, r.availableTokens, 'num'); cell(tr, r.waiting, 'num'); cell(tr, r.rejected, 'num'); cell(tr, r.waited, 'num');
  });
  fill('bulkheads', s.bulkheads, (tr, b) => {
    tr.dataset.name = b.name;
    cell(tr, b.name);
    cell(tr, b.inUse + ' / ' + b.limit, 'num');
    cell(tr, b.queued + ' / ' + b.maxQueued, 'num');
    cell(tr, b.rejected, 'num');
    intake(tr, '/api/bulkheads/', b);
  });
  fill('adaptiveTimeouts', s.adaptiveTimeouts, (tr, t) => {
    cell(tr, t.policy); cell(tr, t.effectName); cell(tr, num(t.currentMillis, 1), 'num');
    cell(tr, num(t.recentPercentileMillis, 1), 'num'); cell(tr, t.samples, 'num');
  });
  fill('caches', s.caches, (tr, c) => {
    cell(tr, c.name); cell(tr, c.hitRate === null ? '–' : (100 * c.hitRate).toFixed(1) + '%', 'num');
    cell(tr, c.hits, 'num'); cell(tr, c.misses, 'num'); cell(tr, c.size, 'num');
  });
  fill('failures', s.failures, (tr, f) => {
    cell(tr, num(f.agoMillis / 1000, 1), 'num'); cell(tr, f.name); cell(tr, f.priority);
    cell(tr, f.outcome, 'outcome-bad'); cell(tr, f.message, 'message');
  });
}

function connect() {
  if (source) {
    source.close();
  }
  const t = token();
  source = new EventSource('/api/events' + (t ? '?token=' + encodeURIComponent(t) : ''));
  source.addEventListener('update', e => {
    try {
      render(JSON.parse(e.data));
    } catch (error) {
      say('could not show an update: ' + error, true);
    }
  });
  source.onerror = () => {
    const status = document.getElementById('status');
    status.textContent = 'reconnecting…';
    status.className = 'status down';
  };
}

document.addEventListener('DOMContentLoaded', () => {
  const input = document.getElementById('token');
  input.value = sessionStorage.getItem('echo-token') || '';
  input.addEventListener('change', () => {
    sessionStorage.setItem('echo-token', token());
    connect();
  });
  charts.throughput = makeChart('throughput', PRIORITIES);
  charts.outcomes = makeChart('outcomes', OUTCOMES);
  connect();
});
