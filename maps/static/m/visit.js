// 走访: a building (search), a household (names masked by the API), the kind, findings, a residents' request, photos,
// and optionally a case made with the visit. #resident=&household=&building=&kind=care come from the care list.
(function () {
  const {T, h, $, clear, get, config} = m;
  // the care list names the resident after '#' (never sent to the server); ?kind= works too
  const params = new URLSearchParams(location.search.slice(1) + '&' + location.hash.slice(1));
  let building = null, household = null, resident = params.get('resident') ? Number(params.get('resident')) : null;
  const photos = m.photoPicker($('photos'), $('photo-list'));
  let categories = null;
  m.categoryPicker($('cat-search'), $('cat-list')).then(p => { categories = p; });
  $('to-case').addEventListener('change', () => { $('case-part').hidden = !$('to-case').checked; });
  if (params.get('kind')) $('kind').value = params.get('kind');

  let timer = null;
  $('building-search').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(searchBuildings, 250); });

  async function searchBuildings() {
    const text = $('building-search').value.trim();
    const url = '/api/v1/buildings?limit=30' + (config.grid ? '&grid=' + encodeURIComponent(config.grid) : '') +
      (text ? '&q=' + encodeURIComponent(text) : '');
    try {
      const {data} = await get(url);
      clear($('building-list'), data.features.map(f => {
        const p = f.properties;
        return h('button', {type: 'button', class: 'pick' + (building && building.id === p.id ? ' on' : ''), 'data-building': p.id,
          onclick: () => chooseBuilding({id: p.id, name: p.name, address: p.address})},
          h('b', {}, p.name || p.address || '#' + p.id), p.address && p.name ? h('span', {class: 'small'}, ' ' + p.address) : null);
      }));
    } catch (e) { clear($('building-list'), h('p', {class: 'empty'}, String(e.message || e))); }
  }

  async function chooseBuilding(b, preselect) {
    building = b;
    household = preselect || null;
    $('building-search').value = b.name || '';
    clear($('building-list'), h('p', {class: 'chosen'}, '✓ ', b.name || '', b.address ? ' · ' + b.address : ''));
    try {
      const {data} = await get('/api/v1/buildings/' + b.id + '/households');
      const show = () => clear($('household-list'), data.items.map(x => h('button', {type: 'button', 'data-household': x.id,
        class: 'pick' + (household === x.id ? ' on' : ''), onclick: () => { household = x.id; show(); }},
        h('b', {}, x.door || '#' + x.id), ' ',
        h('span', {class: 'small'}, (x.members || []).map(p => p.name).join('、'), ' · ',
          x.last_visit_at ? T('m_last_visit') + ' ' + m.day(x.last_visit_at) : T('m_never')))));
      show();
    } catch (e) { clear($('household-list'), h('p', {class: 'empty'}, String(e.message || e))); }
  }

  if (params.get('building')) {
    chooseBuilding({id: Number(params.get('building')), name: params.get('building_name') || '', address: ''},
                   params.get('household') ? Number(params.get('household')) : null);
  }
  if (resident) { $('resident-line').hidden = false; $('resident-line').textContent = T('m_resident') + '：' + (params.get('name') || ''); }
  else searchBuildings();

  $('visit-form').addEventListener('submit', async event => {
    event.preventDefault();
    const message = $('visit-message');
    if (!building) { message.textContent = T('m_choose_building'); return; }
    const kind = $('kind').value;
    const body = {kind, building_id: building.id, household_id: household, visited_at: new Date().toISOString(),
      findings: $('findings').value.trim() || null, need: $('need').value.trim() || null};
    if (kind === 'care' && resident) body.resident_id = resident;
    if ($('to-case').checked) {
      if (!categories || !categories.code()) { message.textContent = T('m_choose_category'); return; }
      body.case = {category: categories.code(), description: $('case-desc').value.trim() || body.findings};
    }
    const ref = 'visit-' + wanggeQueue.uuid();
    await wanggeQueue.add({label: T('m_kind_' + kind) + ' ' + (building.name || ''), ref, requests: [
      {method: 'POST', url: '/api/v1/visits', json: body}, ...m.photoRequests(photos.files, '/api/v1/visits/{ref:' + ref + '}/attachments')]});
    message.textContent = navigator.onLine ? T('m_visit_saved') : T('m_saved');
    photos.reset();
    ['findings', 'need', 'case-desc'].forEach(id => { $(id).value = ''; });
    $('to-case').checked = false;
    $('case-part').hidden = true;
  });
})();
