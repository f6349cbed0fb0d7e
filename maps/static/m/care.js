// 关爱: residents whose care visit is overdue or due within a week; a tap opens the visit form for them.
(function () {
  const {T, h, $, clear, get, config, q} = m;
  async function load() {
    try {
      const {data, cached} = await get('/api/v1/care/due?within=7' + (config.grid ? '&grid=' + encodeURIComponent(config.grid) : ''));
      $('care-counts').textContent = T('m_counts', {o: data.counts.overdue, d: data.counts.due}) + (cached ? ' · ' + T('m_cached') : '');
      if (data.masked) { clear($('care-list'), h('li', {class: 'empty'}, T('m_care_masked'))); return; }
      clear($('care-list'), data.items.length ? data.items.map(item => {
        // whom the visit is for goes after '#': a fragment never reaches the server, its access log or a cache key
        const link = '/m/visit' + q + '#' + new URLSearchParams({kind: 'care', resident: item.resident.id,
          name: item.resident.name, household: item.household.id, building: item.building.id,
          building_name: item.building.name || ''}).toString();
        return h('li', {class: 'card care ' + item.status}, h('a', {href: link, class: 'task-link'},
          h('div', {class: 'row'}, item.status === 'overdue'
            ? h('span', {class: 'badge red'}, item.last_visit_at ? T('m_overdue_days', {n: item.days_overdue}) : T('m_never_care'))
            : h('span', {class: 'badge yellow'}, T('m_due_on', {d: m.day(item.due_on)})),
            h('b', {class: 'grow'}, item.resident.name), h('span', {class: 'small'}, item.tier.name)),
          h('p', {class: 'small'}, (item.building.name || ''), ' ', item.household.door || '', ' · ', (item.groups || []).join('、')),
          h('p', {class: 'small'}, item.last_visit_at ? T('m_last_visit') + ' ' + m.day(item.last_visit_at) : T('m_never_care'))));
      }) : h('li', {class: 'empty'}, T('m_no_care')));
    } catch (e) { clear($('care-list'), h('li', {class: 'empty'}, String(e.message || e))); }
  }
  load();
})();
