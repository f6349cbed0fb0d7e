// One task: what, where, by when, and the actions the caller may take. Actions and photos go through the outbox,
// so they are kept when the phone is offline and sent once when it is back.
(function () {
  const {T, h, $, clear, get, span, when, q} = m;
  const id = Number(location.pathname.split('/').pop());
  const FORMS = {return: 'm_return_reason', report: 'm_note', request_extension: 'm_extension_reason'};
  const SHOWN = ['accept', 'return', 'report', 'request_extension'];
  let current = null;

  function navLinks(c) {
    return h('div', {class: 'row nav'},
      h('a', {class: 'button', href: 'geo:' + c.lat + ',' + c.lon + '?q=' + c.lat + ',' + c.lon}, T('m_navigate')),
      h('a', {class: 'button', href: '/m/where' + (q ? q + '&' : '?') + 'lon=' + c.lon + '&lat=' + c.lat}, T('m_open_map')));
  }

  function show(c, cached) {
    current = c;
    const name = (m.config.lang === 'en' ? c.category.name_en : c.category.name) || c.category.code;
    $('task-title').textContent = name;
    const left = c.due_at ? Date.parse(c.due_at) - Date.now() : null;
    clear($('task'),
      h('div', {class: 'row'}, c.light === 'red' || c.light === 'yellow' ? h('span', {class: 'badge ' + c.light}, T('light_' + c.light)) : null,
        h('b', {class: 'grow'}, '#' + c.id + ' ' + name), h('span', {class: 'status'}, T('status_' + c.status))),
      c.description ? h('p', {class: 'desc'}, c.description) : null,
      h('p', {class: 'small'}, T('address') + '：', c.address || (c.grid && c.grid.name) || ''),
      h('p', {class: 'small'}, T('m_reported_at') + '：', when(c.reported_at)),
      left === null ? null : h('p', {class: left < 0 ? 'late' : 'left'}, T('due') + '：' + when(c.due_at) + ' · ' +
        T(left < 0 ? 'm_time_over' : 'm_time_left', {t: span(left)})),
      c.extension_requested ? h('p', {class: 'note'}, T('m_extension_pending')) : null,
      navLinks(c));
    $('task').removeAttribute('aria-busy');
    $('task-note').hidden = !cached;
    $('task-note').textContent = T('m_cached');
    const actions = (c.allowed_actions || []).filter(a => SHOWN.includes(a));
    clear($('task-actions'), actions.map(a => h('button', {type: 'button', class: 'big' + (a === 'accept' ? ' primary' : ''),
      'data-action': a, onclick: () => act(a)}, T('action_' + a === 'action_request_extension' ? 'm_extension' : 'action_' + a))));
  }

  function act(action) {
    if (!FORMS[action]) return send(action, null, []);
    const form = $('task-form');
    form.hidden = false;
    const note = h('textarea', {id: 'action-note', rows: 3, maxlength: 2000, required: true});
    const input = h('input', {id: 'photos', type: 'file', accept: 'image/*', capture: 'environment', multiple: true, hidden: true});
    const list = h('div', {class: 'thumbs'});
    const photos = action === 'report' ? m.photoPicker(input, list) : null;
    clear(form, h('label', {for: 'action-note'}, T(FORMS[action])), note,
      photos ? [h('label', {class: 'button photo-button'}, T('m_take_photo'), input), list] : null,
      h('div', {class: 'row'}, h('button', {type: 'button', class: 'big', onclick: () => { form.hidden = true; }}, T('cancel')),
        h('button', {type: 'button', class: 'big primary', id: 'action-send', onclick: () => {
          if (!note.value.trim()) { note.focus(); return; }
          send(action, note.value.trim(), photos ? photos.files.slice() : []);
        }}, T('m_send'))));
    note.focus();
  }

  async function send(action, note, files) {
    const label = '#' + id + ' ' + T(action === 'request_extension' ? 'm_extension' : 'action_' + action);
    // Photos first (a report's evidence must be there when it is checked), then the step itself.
    const requests = [...m.photoRequests(files, '/api/v1/cases/' + id + '/attachments'),
      {method: 'POST', url: '/api/v1/cases/' + id + '/transitions', json: {action, version: current.version, note},
       check: {url: '/api/v1/cases/' + id, action}}];
    await wanggeQueue.add({label, requests});
    $('task-form').hidden = true;
    clear($('task-actions'));
    $('task-message').textContent = navigator.onLine ? T('m_sent') : T('m_saved');
    await wanggeQueue.flush();
    if (navigator.onLine) load();
  }

  async function load() {
    try {
      const {data, cached} = await get('/api/v1/cases/' + id);
      show(data, cached);
    } catch (e) {
      clear($('task'), h('p', {class: 'empty'}, String(e.message || e)));
    }
  }
  load();
})();
