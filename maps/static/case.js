// The case page, where people act: the case on the map inside its grid, its details, the actions the caller may take
// (a button each, opening the fields the action needs), reporters, attachments, the grid's staff on duty and the
// history in words. The case comes from /api/v1/cases/{id} and every text goes in as text.
// C: {case: id, status: {status: colour}, labels}

// What each action asks for before it is sent (the `needs` of geo/cases/workflow.py's ACTIONS, and what helps on top),
// in this one table. Kinds: note (text), photos (uploaded to the case before the step), staff (an assignee on duty),
// rating, case (a case number), department (from /api/v1/departments). An action not listed asks only for a yes.
const NOTE = {name: 'note', kind: 'note', required: true};
const CASE_FIELDS = {
  dispatch: [{name: 'assignee_id', kind: 'staff'}],
  return: [{...NOTE, label: 'field_reason'}],
  report: [NOTE, {name: 'photos', kind: 'photos'}],
  rework: [NOTE],
  rate: [{name: 'rating', kind: 'rating', required: true}],
  request_extension: [NOTE],
  reject_extension: [NOTE],
  suspend: [NOTE],
  merge: [{name: 'target_id', kind: 'case', required: true}],
  supervise: [NOTE],
  reply_supervision: [NOTE],
  whistle: [{name: 'department', kind: 'department', required: true}, NOTE],
  assist: [{name: 'department', kind: 'department', required: true}, {name: 'note', kind: 'note'}],
  assist_report: [NOTE],
  report_in: [{name: 'note', kind: 'note'}],
};
const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'];

window.wanggeUtil.start((leafletMap, C) => {
  const [map, T, W] = window.wanggeUtil.page(leafletMap, C.labels, {grid: false, staff: null, loaded: false,
    version: null, status: null, actions: [], busy: false, sent: [], uploaded: 0, message: null});
  const {h, fill, seg, fetchJson, staffLine} = window.wanggeUtil;
  const url = '/api/v1/cases/' + seg(C.case);
  const $ = id => document.getElementById(id);
  const show = (id, value) => { $(id).textContent = value; };
  const list = (id, items) => { fill($(id).querySelector('ul, ol'), items); $(id).hidden = items.length === 0; };
  const zh = T.lang === 'zh';
  const actionName = a => T['action_' + a] || a;
  const buttonName = a => T['do_' + a] || actionName(a);
  let marker = null, current = null, staff = [];

  // The API in the page's language; answers as {ok, status, body} (an error's body is {detail, code}).
  function call(method, path, body) {
    const headers = {'Accept-Language': T.lang};
    if (body && !(body instanceof FormData)) headers['Content-Type'] = 'application/json';
    return fetch(path, {method, headers, body: body && !(body instanceof FormData) ? JSON.stringify(body) : body})
      .then(r => r.json().catch(() => ({detail: 'HTTP ' + r.status})).then(b => ({ok: r.ok, status: r.status, body: b})));
  }
  const say = (kind, text) => { W.message = text; fill($('case-message'), text ? h('span', {class: kind}, text) : null); };
  const load = () => call('GET', url).then(r => { if (r.ok) render(r.body); else say('bad', r.body.detail); });

  function render(c) {
    current = c;
    Object.assign(W, {version: c.version, status: c.status, actions: c.allowed_actions});
    const colour = c.overdue ? '#d7301f' : (C.status[c.status] || '#3182bd');
    if (marker) marker.setStyle({fillColor: colour});
    else marker = L.circleMarker([c.lat, c.lon], {radius: 9, color: '#fff', weight: 2, fillColor: colour, fillOpacity: 1,
      className: 'case-marker'}).bindPopup(() => h('b', null, c.category.name || c.category.code)).addTo(map);
    show('case-title', '#' + c.id + ' ' + (c.category.name || c.category.code));
    fill($('case-status'), h('span', {class: 'badge', style: {background: colour}}, T['status_' + c.status] || c.status),
      c.light ? h('span', {class: 'light light-' + c.light}, T['light_' + c.light]) : null,
      c.overdue ? h('span', {class: 'bad'}, ' ' + T.overdue) : null,
      c.supervision_pending ? h('span', {class: 'bad'}, ' · ' + T.supervised_awaiting) : null,
      c.extension_requested ? ' · ' + T.extension_requested : null,
      c.rating ? ' · ' + T.field_rating + ': ' + (T['rating_' + c.rating] || c.rating) : null);
    show('case-reported', c.reported_at ? stamp(c.reported_at) : T.none);
    show('case-assignee', c.assignee ? c.assignee.name : T.none);
    show('case-due', c.due_at ? stamp(c.due_at) : T.none);
    show('case-first-due', c.first_due_at ? stamp(c.first_due_at) : T.none);
    list('case-holds', c.holds.map(holdLine));
    list('case-supervisions', c.supervisions.map(supervisionLine));
    show('case-address', c.address || T.none);
    show('case-description', c.description || '');
    list('case-reporters', c.reporters.map(r => h('li', null, (r.name || T.none) + ' · ' +
      (T['channel_' + r.channel] || r.channel) + (r.phone ? ' · ' + r.phone : ''))));
    list('case-attachments', c.attachments.map(a => h('li', null, a.filename + ' (' + Math.ceil(a.size / 1024) + ' KB)')));
    fill($('case-history'), c.history.map(historyLine));
    buttons(c.allowed_actions);
    W.loaded = true;
  }

  // A moment in Beijing time as people write it: 2026-11-30 14:05.
  const stamp = s => {
    const parts = new Intl.DateTimeFormat('zh-CN', {timeZone: 'Asia/Shanghai', hourCycle: 'h23', year: 'numeric',
      month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'}).formatToParts(new Date(s));
    const p = Object.fromEntries(parts.map(x => [x.type, x.value]));
    return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute;
  };
  function who(e) {
    if (e.actor === 'system') return T.actor_system;
    const role = T['role_' + e.actor_role];
    return (e.actor_name || e.actor) + (role ? (zh ? '（' + role + '）' : ' (' + role + ')') : '');
  }
  const statusName = s => T['status_' + s] || s;
  // The system's steps say what happened from their data (its notes are for the log); people's notes are theirs.
  function what(e) {
    const d = e.data || {};
    if (e.action === 'escalate') return d.to_level ? T.escalated_to + (T['level_' + d.to_level] || '') : T.overdue_top;
    if (e.action === 'reroute') return d.to_grid ? T.rerouted_to + d.to_grid : null;
    return e.note;
  }
  const roleName = r => (T['role_' + r] ? (zh ? '（' + T['role_' + r] + '）' : ' (' + T['role_' + r] + ')') : '');
  // One handler's turn: "派遣承办 · 网格 甲一网格 张三 · 时限 2026-12-02 14:52 · 超时".
  function holdLine(t) {
    const holder = t.department || [T['level_' + t.level], t.area_name, t.staff_name].filter(Boolean).join(' ');
    const outcome = t.outcome ? T['outcome_' + t.outcome] : (t.missed ? T.outcome_missed : T.in_progress);
    const by = t.kind === 'whistle' ? T.report_in_due : T.due;
    return h('li', null, h('b', null, T['hold_' + t.kind] || t.kind), ' · ' + holder + ' · ' + by + ' ' +
      stamp(t.due_at) + ' · ', h('span', {class: t.missed ? 'bad' : (t.outcome === 'met' ? 'ok' : '')}, outcome));
  }
  // 督办: who pressed and what they asked, then the handler's reply or that it is awaited.
  function supervisionLine(s) {
    return h('li', null, h('div', {class: 'meta'}, stamp(s.at) + ' · ' + s.by_name + roleName(s.by_role)),
      h('div', null, s.note),
      h('div', null, s.replied_at ? T.reply + (zh ? '：' : ': ') + s.reply : h('span', {class: 'bad'}, T.awaiting_reply)));
  }
  // "2026-11-30 14:05 · 张三（网格员）" over "接单 · 已派遣 → 处置中 · note": two lines read better on a phone.
  function historyLine(e) {
    const moved = e.from_status && e.from_status !== e.to_status ? statusName(e.from_status) + ' → ' + statusName(e.to_status)
      : (e.from_status ? null : statusName(e.to_status));
    const text = what(e);
    return h('li', null, h('div', {class: 'meta'}, stamp(e.at) + ' · ' + who(e)),
      h('div', null, h('b', null, actionName(e.action)), moved ? ' · ' + moved : null,
        text ? [' · ', h('span', {class: 'note'}, text)] : null));
  }

  function buttons(actions) {
    fill($('action-form'));
    fill($('action-buttons'), actions.length ? actions.map(a => h('button', {type: 'button', class: 'act',
      'data-action': a, onclick: () => openForm(a)}, buttonName(a))) : h('span', {class: 'muted'}, T.no_actions));
  }

  // One field of an action's form: its row, its input, and the value to send (null: none given).
  function field(spec) {
    const id = 'f-' + spec.name, text = T[spec.label || 'field_' + spec.name] || spec.name;
    const make = {
      note: () => h('textarea', {id, rows: 3, maxlength: 2000}),
      // the browser's own file button speaks the browser's language: ours is a label, the input hidden behind it
      photos: () => h('input', {id, type: 'file', multiple: true, accept: 'image/jpeg,image/png,image/webp',
        class: 'file-input'}),
      case: () => h('input', {id, type: 'number', min: 1, step: 1, inputmode: 'numeric'}),
      staff: () => h('select', {id}, h('option', {value: ''}, T.assign_auto),
        staff.map(s => h('option', {value: s.staff_id}, s.name + ' (' + (T[s.duty] || s.duty) + ')'))),
      rating: () => h('select', {id}, h('option', {value: ''}, T.choose),
        RATINGS.map(r => h('option', {value: r}, T['rating_' + r]))),
      department: () => h('select', {id}),
    }[spec.kind];
    const input = make();
    const row = h('div', {class: 'field'}, h('label', {for: id}, text + (spec.required ? ' *' : '')), input);
    if (spec.kind === 'photos') photoPicker(input, row);
    if (spec.kind === 'department') departments(input, row);
    const value = () => {
      if (spec.kind === 'photos') return [...input.files];
      const v = input.value.trim();
      if (v === '') return null;
      return spec.kind === 'case' || spec.kind === 'staff' ? Number(v) : v;
    };
    return {spec, text, input, row, value};
  }

  function photoPicker(input, row) {
    const chosen = h('span', {class: 'muted'}, T.no_photos);
    row.append(h('div', {class: 'file-row'}, h('label', {for: input.id, class: 'file-button'}, T.choose_photos), chosen));
    input.addEventListener('change', () => {
      chosen.textContent = input.files.length ? [...input.files].map(f => f.name).join('、') : T.no_photos;
    });
  }

  function departments(select, row) {
    call('GET', '/api/v1/departments').then(r => {
      const items = r.ok ? r.body.items || [] : [];
      // a choice to make, never a default: whistling the wrong office costs it a miss
      fill(select, items.length ? h('option', {value: ''}, T.choose) : null,
        items.map(d => h('option', {value: d.code}, d.name)));
      if (!items.length) row.append(h('div', {class: 'muted'}, T.no_departments));
    });
  }

  function openForm(action) {
    const fields = (CASE_FIELDS[action] || []).map(field);
    say('', null);
    const form = h('form', {class: 'case-form', 'data-action': action, novalidate: true,
      onsubmit: e => { e.preventDefault(); send(action, fields); }},
      h('div', {class: 'form-title'}, T.confirm_action, h('b', null, actionName(action))),
      fields.map(f => f.row),
      h('div', {class: 'form-buttons'}, h('button', {type: 'submit', class: 'primary'}, T.confirm),
        h('button', {type: 'button', onclick: () => fill($('action-form'))}, T.cancel)));
    fill($('action-form'), form);
    for (const b of document.querySelectorAll('#action-buttons button')) b.classList.toggle('on', b.dataset.action === action);
    (fields.length ? fields[0].input : form.querySelector('.primary')).focus();
    form.scrollIntoView({block: 'nearest'});
  }

  function busy(on) {
    W.busy = on;
    for (const b of document.querySelectorAll('#case-actions button')) b.disabled = on;
  }

  // Check the fields, upload the photos, then send the step with the version shown; render the case it answers with.
  async function send(action, fields) {
    const body = {action, version: current.version};
    for (const f of fields) {
      const v = f.value();
      if (f.spec.required && v === null) { say('bad', T.please_fill + f.text); f.input.focus(); return; }
      if (f.spec.kind !== 'photos' && v !== null) body[f.spec.name] = v;
    }
    const photos = fields.filter(f => f.spec.kind === 'photos').flatMap(f => f.value());
    busy(true);
    try {
      if (photos.length) say('', T.uploading);
      for (const file of photos) {
        const form = new FormData();
        form.append('file', file);
        const up = await call('POST', url + '/attachments', form);
        if (!up.ok) { say('bad', T.failed + up.body.detail); return; }
        W.uploaded += 1;
      }
      say('', T.sending);
      const r = await call('POST', url + '/transitions', body);
      if (r.ok) { render(r.body); W.sent.push(action); say('ok', T.done + actionName(action)); }
      else if (r.status === 409) { await load(); say('bad', r.body.detail + ' ' + T.reloaded); }
      else say('bad', T.failed + r.body.detail);
    } catch (err) {
      say('bad', T.failed + err.message);
    } finally {
      busy(false);
    }
  }

  function showGrid(code) {
    fetchJson('/api/v1/grids/' + seg(code)).then(f => {
      // not interactive: drawn over the case marker, it would take the marker's clicks
      L.geoJSON(f, {style: {color: '#2171b5', weight: 3, fillOpacity: 0.1}, interactive: false}).addTo(map)
        .bindTooltip(h('span', null, f.properties.name), {permanent: true, direction: 'top', className: 'grid-name'});
      W.grid = true;
    });
    fetchJson('/api/v1/staff?area=' + seg(code)).then(found => {
      staff = found;
      W.staff = found.length;
      list('case-staff', found.map(s => staffLine(s, T)));
    }).catch(() => { W.staff = 0; });  // a role that may not read staff: dispatch picks automatically
  }

  W.openForm = openForm;  // tests open the forms of actions the server does not offer yet (whistle, supervise, …)
  load().then(() => { if (current && current.grid) showGrid(current.grid.code); });
});
