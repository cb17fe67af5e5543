// The live page: the user's tasks from GET /api/tasks, then kept current by the TaskUpdateEvents
// that arrive on ws(s)://<this host>/updates. Each row is <tr data-task-id=...>.
// The user is the one of the bearer token in the page's fragment: /#token=<JWT> (a fragment is
// never sent to a server, so the token stays out of access logs). Locally: tools/dev-token.sh.
'use strict';

const token = new URLSearchParams(location.hash.slice(1)).get('token');
const tasks = new Map(); // task_id -> task fields (snake_case, as the API and events name them)
const columns = ['title', 'status', 'priority', 'due_at', 'remind_at', 'recurrence'];

document.getElementById('user').textContent = token ? '…' : '(paste a token)';
document.getElementById('pick').addEventListener('submit', (e) => {
  e.preventDefault();
  location.hash = 'token=' + encodeURIComponent(document.getElementById('token-input').value.trim());
  location.reload();
});

function setStatus(state) {
  const el = document.getElementById('status');
  el.dataset.state = state;
  el.textContent = state;
}

function render(changedId) {
  const body = document.getElementById('tasks');
  body.replaceChildren();
  const rows = [...tasks.entries()].sort((a, b) => String(a[1].created_at).localeCompare(String(b[1].created_at)));
  for (const [id, t] of rows) {
    const tr = document.createElement('tr');
    tr.dataset.taskId = id;
    tr.className = (t.status || '') + (id === changedId ? ' flash' : '');
    for (const c of columns) {
      const td = document.createElement('td');
      td.className = c;
      const v = t[c];
      td.textContent = v == null ? '' : (typeof v === 'object' ? JSON.stringify(v) : String(v));
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  document.getElementById('empty').hidden = tasks.size > 0;
}

// A TaskUpdateEvent carries only the fields that changed (all of them on created).
function apply(update) {
  if (update.event_type === 'deleted') {
    tasks.delete(update.task_id);
  } else {
    const t = tasks.get(update.task_id) || {};
    for (const [k, v] of Object.entries(update.changes || {})) {
      if (v === null) delete t[k]; else t[k] = v;
    }
    tasks.set(update.task_id, t);
  }
  render(update.task_id);
}

// The list comes a page at a time (task-service answers at most `limit` tasks and names the next
// page in X-Next-After); the page follows the cursor until the last page.
async function load() {
  const all = [];
  let next = null;
  do {
    const r = await fetch('api/tasks?limit=1000' + (next ? '&after=' + encodeURIComponent(next) : ''),
      { headers: { Authorization: 'Bearer ' + token } });
    if (!r.ok) throw new Error('GET /api/tasks answered ' + r.status);
    all.push(...await r.json());
    next = r.headers.get('X-Next-After');
  } while (next);
  tasks.clear();
  for (const t of all) tasks.set(t.id, t);
  render();
}

// Updates that arrive while the list loads are applied after it, so none is lost.
function connect(delay) {
  // Browsers cannot set an Authorization header on a WebSocket: Quarkus takes it from this
  // subprotocol (quarkus-http-upgrade#<header>#<url-encoded value>) and answers todo-events.v1.
  const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host
    + location.pathname.replace(/[^/]*$/, '') + 'updates',
    ['todo-events.v1', 'quarkus-http-upgrade#Authorization#' + encodeURIComponent('Bearer ' + token)]);
  let pending = [];
  ws.onmessage = async (m) => {
    const frame = JSON.parse(m.data);
    if (frame.type === 'hello') {
      document.getElementById('user').textContent = frame.user_id;
      try {
        await load();
        pending.forEach(apply);
        pending = null;
        setStatus('live');
        delay = 500;
      } catch (e) {
        console.error(e);
        ws.close();
      }
    } else if (pending) {
      pending.push(frame);
    } else {
      apply(frame);
    }
  };
  ws.onclose = () => {
    setStatus('offline');
    setTimeout(() => connect(Math.min(delay * 2, 10000)), delay);
  };
}

if (token) {
  connect(500);
} else {
  setStatus('offline');
}
