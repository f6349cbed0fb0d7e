// 关爱: residents whose care visit is overdue or due within a week; a tap opens the visit form for them.
(function () {
  const {T, h, $, clear, get, config, q} = m;
  async function load() {
    try {
      const {data, cached} = await get('/api/v1/care/due?within=7' + (config.grid ? '&grid=' + encodeURIComponent(config.grid) : ''));
      $('care-counts').textContent = T('m_counts', {o: data.counts.overdue, d: data.counts.due}) + (cached ? ' · ' + T('m_cached') : '');
      if (data.masked) { clear($('care-list'), h('li', {class: 'empty'}, T('m_care_masked'))); return; }
      clear($('care-list'), data.items.length ? data.items.map(item => {
        // the name stays on the phone (sessionStorage), out of the URL, the server's log and the history
        const link = '/m/visit' + (q ? q + '&' : '?') + new URLSearchParams({kind: 'care', resident: item.resident.id,
          household: item.household.id, building: item.building.id, building_name: item.building.name || ''}).toString();
        const remember = () => sessionStorage.setItem('wangge-care-name', JSON.stringify([item.resident.id, item.resident.name]));
        return h('li', {class: 'card care ' + item.status}, h('a', {href: link, class: 'task-link', onclick: remember},
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
