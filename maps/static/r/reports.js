// 我的诉求: the resident's reports, newest first, each with where it stands in their words.
(function () {
  const {T, h, $, clear, get, config, q} = m;
  const name = c => (config.lang === 'en' ? c.category.name_en : c.category.name);
  async function load() {
    const list = $('report-list');
    try {
      const {data, cached} = await get('/api/v1/reports');
      $('reports-note').hidden = !cached;
      $('reports-note').textContent = T('m_cached');
      clear(list, data.items.length ? data.items.map(r => h('li', {class: 'card report stage-' + r.stage},
        h('a', {href: '/r/reports/' + r.id + q, class: 'task-link'},
          h('div', {class: 'row'}, h('b', {class: 'grow'}, name(r)), h('span', {class: 'status'}, T('r_stage_' + r.stage))),
          r.description ? h('p', {class: 'desc'}, r.description) : null,
          h('div', {class: 'row small'}, h('span', {class: 'grow'}, T('r_number', {id: r.id}) + ' · ' + m.when(r.reported_at)),
            r.allowed_actions.includes('rate') ? h('span', {class: 'badge yellow'}, T('r_please_rate')) : null))))
        : h('li', {class: 'empty'}, T('r_none'), ' ', h('a', {href: '/r/new' + q}, T('r_tab_new'))));
    } catch (e) { clear(list, h('li', {class: 'empty'}, String(e.message || e))); }
    list.removeAttribute('aria-busy');
  }
  load();
  window.addEventListener('online', load);
})();
