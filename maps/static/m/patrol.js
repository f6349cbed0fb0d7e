// 巡查: start and finish a patrol; while it is open, a position every WANGGE_PATROL_SECONDS from watchPosition,
// sent in batches through the outbox (the server keeps each (patrol, time) once). The grid's key points with their
// distance, and 打卡 within WANGGE_CHECKIN_METRES. The open patrol lives in localStorage (per account: a shared phone
// keeps each worker's own) so a reload keeps it.
(function () {
  const {T, h, $, clear, get, metres, config, q} = m;
  const KEY = 'wangge-patrol:' + config.user, EVERY = config.patrolSeconds * 1000, BATCH = 10, FLUSH_MS = 30000;
  let state = JSON.parse(localStorage.getItem(KEY) || 'null');
  let here = null, watch = null, checkpoints = [], pending = [], lastFlush = Date.now();
  const save = () => (state ? localStorage.setItem(KEY, JSON.stringify(state)) : localStorage.removeItem(KEY));
  const patrolUrl = path => '/api/v1/patrols/' + (state.id || '{ref:' + state.ref + '}') + path;

  function render() {
    stats();
    renderCheckpoints();
  }

  function stats() {
    const open = !!state;
    $('patrol-status').textContent = open ? T('m_patrol_open') : T('m_patrol_idle');
    $('patrol-status').className = 'state' + (open ? ' on' : '');
    $('patrol-toggle').textContent = open ? T('m_patrol_finish') : T('m_patrol_start');
    $('patrol-toggle').className = 'big ' + (open ? 'danger' : 'primary');
    $('patrol-problem').hidden = !open;
    const seconds = open ? Math.floor((Date.now() - Date.parse(state.started)) / 1000) : 0;
    const hh = Math.floor(seconds / 3600), mm = Math.floor(seconds / 60) % 60, ss = seconds % 60;
    $('elapsed').textContent = (hh ? hh + ':' + String(mm).padStart(2, '0') : mm) + ':' + String(ss).padStart(2, '0');
    const d = open ? state.distance : 0;
    $('distance').textContent = d >= 1000 ? (d / 1000).toFixed(2) + ' km' : Math.round(d) + ' m';
    $('points').textContent = open ? state.points : 0;
    $('patrol-loc').textContent = here ? T('m_accuracy', {m: Math.round(here.accuracy)}) : '';
  }

  function renderCheckpoints() {
    const list = $('checkpoints');
    if (!config.grid) { clear(list, h('li', {class: 'empty'}, T('m_no_grid'))); return; }
    if (!checkpoints.length) { clear(list, h('li', {class: 'empty'}, T('m_no_keypoints'))); return; }
    const done = state ? state.checked || [] : [];
    const rows = checkpoints.map(cp => {
      const d = here ? metres([here.lon, here.lat], cp.at) : null;
      return {cp, d};
    }).sort((a, b) => (a.d === null ? 1e12 : a.d) - (b.d === null ? 1e12 : b.d));
    clear(list, rows.map(({cp, d}) => {
      const checked = done.includes(cp.id), near = d !== null && d <= config.checkinMetres;
      return h('li', {class: 'card row checkpoint'},
        h('div', {class: 'grow'}, h('b', {}, cp.name),
          h('p', {class: 'small'}, d === null ? '' : near ? Math.round(d) + ' ' + T('metres')
            : T('m_too_far', {m: Math.round(d), max: Math.round(config.checkinMetres)}))),
        h('button', {type: 'button', class: checked ? 'done' : 'primary', 'data-checkpoint': cp.id,
          disabled: checked || !state || !near, onclick: () => checkin(cp, d)}, checked ? T('m_checked_in') : T('m_checkin')));
    }));
  }

  async function loadCheckpoints() {
    if (!config.grid) return render();
    try {
      const {data} = await get('/api/v1/grids/' + encodeURIComponent(config.grid) + '/checkpoints');
      checkpoints = data.features.map(f => ({id: f.properties.id, name: f.properties.name, at: f.geometry.coordinates}));
    } catch (e) { checkpoints = []; }
    render();
  }

  function onPosition(p) {
    here = {lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy, t: new Date(p.timestamp || Date.now())};
    if (state && (!state.lastT || here.t - Date.parse(state.lastT) >= EVERY)) record(here);
    render();
  }

  function record(fix) {
    // A fix taken before the start (the phone's last position) is the start's: the server refuses a whole batch
    // with a point before the patrol began.
    const t = fix.t < new Date(state.started) ? new Date(state.started) : fix.t;
    const point = {t: t.toISOString(), lon: fix.lon, lat: fix.lat, accuracy: fix.accuracy};
    // The length counts only fixes good to 100 m, as the server's does.
    if (state.last && fix.accuracy <= 100) state.distance += metres(state.last, [fix.lon, fix.lat]);
    if (fix.accuracy <= 100) state.last = [fix.lon, fix.lat];
    state.lastT = point.t;
    state.points += 1;
    pending.push(point);
    state.pending = pending;
    save();
    if (pending.length >= BATCH || Date.now() - lastFlush >= FLUSH_MS) sendPoints();
  }

  async function sendPoints() {
    if (!state || !pending.length) return;
    const points = pending.splice(0);
    state.pending = [];
    save();
    lastFlush = Date.now();
    await wanggeQueue.add({label: T('m_tab_patrol') + ' ' + T('m_points') + ' ' + points.length,
      requests: [{method: 'POST', url: patrolUrl('/points'), json: {points}}]});
  }

  async function start() {
    const ref = 'patrol-' + wanggeQueue.uuid();
    state = {ref, id: null, started: new Date().toISOString(), distance: 0, points: 0, last: null, lastT: null, checked: [], pending: []};
    pending = [];
    save();
    const body = {started_at: state.started};
    if (here) Object.assign(body, {lon: here.lon, lat: here.lat});
    await wanggeQueue.add({label: T('m_patrol_start'), ref, requests: [{method: 'POST', url: '/api/v1/patrols', json: body, adopt: 'patrol_id'}]});
    if (here) record(Object.assign({}, here, {t: new Date(state.started)}));
    learnId();
    render();
  }

  async function finish() {
    const minutes = Math.round((Date.now() - Date.parse(state.started)) / 60000);
    const summary = T('m_patrol_summary', {min: minutes, m: Math.round(state.distance), n: (state.checked || []).length});
    if (!confirm(T('m_patrol_confirm') + '\n' + summary)) return;
    if (here) record(Object.assign({}, here, {t: new Date()}));
    await sendPoints();
    await wanggeQueue.add({label: T('m_patrol_finish'), requests: [{method: 'POST', url: patrolUrl('/finish'),
      json: {finished_at: new Date().toISOString()}}]});
    state = null;
    save();
    $('patrol-message').textContent = summary + ' · ' + (navigator.onLine ? T('m_sent') : T('m_saved'));
    render();
  }

  async function checkin(cp, d) {
    if (!state || !here) return;
    await sendPoints();
    state.checked = (state.checked || []).concat([cp.id]);
    save();
    await wanggeQueue.add({label: T('m_checkin') + ' ' + cp.name, requests: [{method: 'POST', url: patrolUrl('/checkins'),
      json: {checkpoint_id: cp.id, lon: here.lon, lat: here.lat, accuracy: here.accuracy, t: new Date().toISOString()}}]});
    $('patrol-message').textContent = cp.name + ' ' + T('m_checked_in') + ' (' + Math.round(d) + ' ' + T('metres') + ')';
    render();
  }

  // Once the start has reached the server, later writes name the patrol by its id.
  async function learnId() {
    if (!state || state.id) return;
    const id = await wanggeQueue.ref(state.ref);
    if (typeof id === 'number') { state.id = id; save(); }
    if (id === 'refused') { state = null; save(); render(); }
  }
  window.addEventListener('wangge-queue', learnId);

  // A patrol open on the server that this phone does not know (another phone, cleared storage) is taken up.
  async function sync() {
    if (state || !navigator.onLine) return;
    try {
      const {data, cached} = await get('/api/v1/patrols/current');
      if (data && !cached && !state) {
        state = {ref: 'patrol-' + data.id, id: data.id, started: data.started_at, distance: data.length_m || 0,
                 points: data.points || 0, last: null, lastT: null, checked: [], pending: []};
        save();
        render();
      }
    } catch (e) { /* offline or no patrols yet */ }
  }

  $('patrol-toggle').addEventListener('click', () => (state ? finish() : start()));
  $('patrol-problem').href = '/m/report' + q;
  if (state && state.pending) pending = state.pending;
  if (navigator.geolocation) watch = navigator.geolocation.watchPosition(onPosition, () => null,
    {enableHighAccuracy: true, maximumAge: 0, timeout: 30000});
  // Standing still fires no position: the last one is recorded again on time.
  setInterval(() => {
    if (state && here && (!state.lastT || Date.now() - Date.parse(state.lastT) >= EVERY)) record(Object.assign({}, here, {t: new Date()}));
    stats();
  }, 1000);
  setInterval(() => { if (Date.now() - lastFlush >= FLUSH_MS) sendPoints(); }, 5000);
  window.addEventListener('pagehide', () => { sendPoints(); });
  loadCheckpoints();
  sync();
  learnId();
  render();
})();
