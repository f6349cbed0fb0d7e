// The needs desk: the needs of the caller's scope (by status), each with the steps open to them now, taken on
// the version read (a need changed meanwhile comes back as 409 and the list reloads); the month's figures with
// the 月通报 download; the points awaiting approval. User text enters the page only as text.
(function () {
  const C = JSON.parse(document.getElementById('page-config').textContent);
  const T = (key, vars) => String(C.labels[key] === undefined ? key : C.labels[key])
    .replace(/\{(\w+)\}/g, (all, name) => (vars && vars[name] !== undefined ? vars[name] : all));
  const $ = id => document.getElementById(id);
  const q = C.lang === 'en' ? 'lang=en' : 'lang=zh';
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v); else el.setAttribute(k, v === true ? '' : v);
    }
    children.flat(Infinity).forEach(c => c !== null && c !== undefined && c !== false && el.append(c instanceof Node ? c : String(c)));
    return el;
  }
  const fill = (el, ...children) => { el.replaceChildren(); children.flat(Infinity).forEach(c => c && el.append(c)); };
  const day = iso => (iso ? new Date(iso).toLocaleDateString(C.lang === 'en' ? 'en-GB' : 'zh-CN') : '');
  const pct = v => (v === null || v === undefined ? '–' : Math.round(v * 1000) / 10 + '%');

  async function call(method, url, body) {
    const r = await fetch(url + (url.includes('?') ? '&' : '?') + q, {method, credentials: 'same-origin',
      headers: body ? {'Content-Type': 'application/json', 'Accept-Language': C.lang} : {'Accept-Language': C.lang},
      body: body ? JSON.stringify(body) : undefined});
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(data.detail || r.status);
    return data;
  }
  function say(text, error) { $('desk-message').textContent = text; $('desk-message').classList.toggle('error', !!error); }

  const soon = () => new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10);
  // The inputs each step carries, and how they become the request.
  function stepForm(n, action) {
    const go = (extra) => take(n, action, extra);
    const text = (hint) => h('textarea', {rows: 1, maxlength: 2000, placeholder: T(hint), 'aria-label': T(hint)});
    if (action === 'order') {
      const org = h('select', {'aria-label': T('nd_org')}, (n.orgs || []).map(o => h('option', {value: o.code}, o.name)));
      const due = h('input', {type: 'date', value: soon(), 'aria-label': T('need_field_due_on')});
      // a personal need's own words may name the resident: staff write what claimers read
      const title = h('input', {maxlength: 100, value: n.kind === 'public' ? n.title : '', placeholder: T('nd_published_hint'),
                                'aria-label': T('nd_published_title')});
      return h('span', {class: 'step'}, org, due, title, h('button', {class: 'primary', 'data-action': 'order',
        onclick: () => go({org: org.value, due_on: due.value, title: title.value.trim() || null})}, T('need_action_order')));
    }
    if (action === 'claim') {
      const unit = h('input', {maxlength: 100, placeholder: T('nd_unit'), 'aria-label': T('nd_unit')});
      const member = C.members ? h('input', {type: 'number', min: 1, placeholder: T('nd_member_id'), 'aria-label': T('nd_member_id')}) : null;
      return h('span', {class: 'step'}, unit, member, h('button', {'data-action': 'claim', onclick: () => go(
        member && member.value ? {member_id: Number(member.value)} : {unit: unit.value.trim()})}, T('nd_record_claim')));
    }
    if (action === 'confirm') {
      const rating = h('select', {'aria-label': T('need_field_rating')}, ['satisfied', 'basically_satisfied', 'dissatisfied']
        .map(v => h('option', {value: v}, T('r_rating_' + v))));
      return h('span', {class: 'step'}, rating, h('button', {'data-action': 'confirm', onclick: () => go({rating: rating.value})},
        T('nd_confirm_for')));
    }
    const field = {complete: ['proof', 'r_proof_hint'], decline: ['note', 'r_reason_hint'], release: ['note', 'r_reason_hint'],
                   redo: ['note', 'r_reason_hint']}[action];
    if (field) {
      const box = text(field[1]);
      return h('span', {class: 'step'}, box, h('button', {'data-action': action, onclick: () => {
        if (!box.value.trim()) { box.focus(); return; } go({[field[0]]: box.value.trim()}); }}, T('need_action_' + action)));
    }
    return h('button', {'data-action': action, onclick: () => go({})}, T('need_action_' + action));
  }

  async function take(n, action, extra) {
    try {
      await call('POST', '/api/v1/needs/' + n.id + '/transitions', Object.assign({action, version: n.version}, extra));
      say(T('nd_done', {title: n.title, action: T('need_action_' + action)}));
    } catch (e) { say(e.message, true); }
    load();
    figures();
  }

  function row(n) {
    const place = [n.community.name, n.compound && n.compound.name, n.building, n.grid].filter(Boolean).join(' · ');
    const claimer = n.claimer ? (n.claimer.name || T('r_claimer_' + n.claimer.kind)) : null;
    return h('li', {class: 'need-row', 'data-need': n.id},
      h('div', {class: 'top'}, h('b', {}, n.title), h('span', {class: 'kind ' + n.kind}, T('r_need_kind_' + n.kind)),
        h('span', {class: 'status'}, T('need_status_' + n.status))),
      n.description ? h('p', {class: 'desc'}, n.description) : null,
      h('p', {class: 'meta'}, place),
      h('p', {class: 'meta'}, T('nd_raised', {day: day(n.raised_at)}), n.organisation ? ' · ' + n.organisation : '',
        n.due_on ? ' · ' + T('r_due', {day: day(n.due_on)}) : '', claimer ? ' · ' + T('r_claimer') + '：' + claimer : ''),
      n.proof ? h('p', {class: 'meta'}, T('r_proof') + '：', n.proof) : null,
      n.allowed_actions.length ? h('div', {class: 'steps'}, n.allowed_actions.map(a => stepForm(n, a))) : null);
  }

  async function load() {
    const status = $('status-filter').value;
    try {
      const data = await call('GET', '/api/v1/needs' + (status ? '?status=' + status : ''));
      fill($('need-rows'), data.items.length ? data.items.map(row) : h('li', {class: 'muted'}, T('nd_none')));
    } catch (e) { fill($('need-rows'), h('li', {class: 'muted'}, e.message)); }
    $('need-rows').removeAttribute('aria-busy');
  }

  async function figures() {
    const month = $('month').value || C.month;
    $('notice-link').href = '/api/v1/needs/monthly.xlsx?month=' + month + '&' + q;
    try {
      const rows = await call('GET', '/api/v1/needs/figures?by=org&month=' + month);
      fill($('figures').tBodies[0], rows.length ? rows.map(r => h('tr', {},
        h('td', {}, r.name || r.code), h('td', {}, r.ordered), h('td', {}, pct(r.claim_rate)),
        h('td', {}, r.median_days_to_claim === null ? '–' : r.median_days_to_claim), h('td', {}, pct(r.completion_rate)),
        h('td', {}, pct(r.satisfaction_rate)))) : h('tr', {}, h('td', {colspan: 6, class: 'muted'}, T('nd_no_figures'))));
    } catch (e) { say(e.message, true); }
  }

  async function awards() {
    if (!C.approve) return;
    $('awards-panel').hidden = false;
    const list = await call('GET', '/api/v1/points/awards').catch(() => []);
    fill($('awards'), list.length ? list.map(a => h('li', {class: 'award', 'data-award': a.id},
      h('span', {}, h('b', {}, a.holder_name), ' ', T('r_earned_' + a.rule), ' +' + a.points),
      h('button', {class: 'primary', onclick: () => decide(a, true)}, T('nd_approve')),
      h('button', {onclick: () => decide(a, false)}, T('nd_reject')))) : h('li', {class: 'muted'}, T('nd_no_awards')));
  }
  async function decide(a, approve) {
    try { await call('POST', '/api/v1/points/awards/' + a.id, {approve}); say(T(approve ? 'nd_approved' : 'nd_rejected')); }
    catch (e) { say(e.message, true); }
    awards();
  }

  $('month').value = C.month;
  $('month').addEventListener('change', figures);
  $('status-filter').addEventListener('change', load);
  load();
  figures();
  awards();
})();
