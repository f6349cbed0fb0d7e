// 我的任务: the caller's open cases, red light first, then yellow, then green, each by its deadline.
(function () {
  const {T, h, $, clear, get, span, q} = m;
  const ORDER = {red: 0, yellow: 1, green: 2};
  const rank = c => (c.light in ORDER ? ORDER[c.light] : 3);
  const due = c => (c.due_at ? Date.parse(c.due_at) : Infinity);

  function card(c) {
    const left = c.due_at ? Date.parse(c.due_at) - Date.now() : null;
    const badge = c.light === 'red' || c.light === 'yellow' ? h('span', {class: 'badge ' + c.light}, T('light_' + c.light)) : null;
    return h('li', {class: 'card task light-' + (c.light || 'none')},
      h('a', {href: '/m/tasks/' + c.id + q, class: 'task-link'},
        h('div', {class: 'row'}, badge, h('b', {class: 'grow'}, (c.category.name && (m.config.lang === 'en' ? c.category.name_en : c.category.name)) || c.category.code),
          h('span', {class: 'status'}, T('status_' + c.status))),
        c.description ? h('p', {class: 'desc'}, c.description) : null,
        h('div', {class: 'row small'}, h('span', {class: 'grow'}, c.address || (c.grid && c.grid.name) || ''),
          left === null ? null : h('span', {class: left < 0 ? 'late' : 'left ' + (c.light || '')}, T(left < 0 ? 'm_time_over' : 'm_time_left', {t: span(left)})))));
  }

  async function load() {
    const list = $('task-list');
    try {
      const {data, cached} = await get('/api/v1/cases/mine?open=true&limit=200');
      const items = data.items.slice().sort((a, b) => rank(a) - rank(b) || due(a) - due(b));
      $('tasks-note').hidden = !cached;
      $('tasks-note').textContent = T('m_cached');
      clear(list, items.length ? items.map(card) : h('li', {class: 'empty'}, T('m_no_tasks')));
    } catch (e) {
      clear(list, h('li', {class: 'empty'}, String(e.message || e)));
    }
    list.removeAttribute('aria-busy');
  }
  load();
  window.addEventListener('online', load);
})();
