// One report as a resident follows it (their own, or the one a 查询码 opens): where it stands, where it went, the
// reply and the timeline, into #report and #timeline. Text only through text nodes (m.h).
window.rview = (function () {
  const {T, h, $, clear, config, when} = m;

  function show(r) {
    const name = config.lang === 'en' ? r.category.name_en : r.category.name;
    clear($('report'),
      h('div', {class: 'row'}, h('b', {class: 'grow'}, T('r_number', {id: r.id}) + ' ' + name),
        h('span', {class: 'status'}, T('r_stage_' + r.stage))),
      r.description ? h('p', {class: 'desc'}, r.description) : null,
      r.handled_by ? h('p', {class: 'small'}, T('r_handled_by') + '：', r.handled_by.name || '') : null,
      r.reply ? h('p', {class: 'reply'}, h('b', {}, T('r_reply') + '：'), r.reply) : null,
      // the photos are the reporter's to open; a 查询码's holder is told how many there are
      r.photos.length && config.user ? h('div', {class: 'thumbs'}, r.photos.map(p => h('a', {href: '/api/v1/reports/' + r.id +
        '/photos/' + p.id, target: '_blank', rel: 'noopener', class: 'thumb'}, h('img', {src: '/api/v1/reports/' + r.id +
        '/photos/' + p.id, alt: T('m_photos_n', {n: 1}), loading: 'lazy'}))))
        : r.photos.length ? h('p', {class: 'small'}, T('m_photos_n', {n: r.photos.length})) : null,
      r.rating ? h('p', {class: 'small'}, T('r_your_rating') + '：', T('r_rating_' + r.rating)) : null);
    $('report').removeAttribute('aria-busy');
    clear($('timeline'), (r.timeline || []).map(s => h('li', {class: 'step stage-' + s.stage},
      h('b', {}, T('r_step_' + s.stage, {to: s.to || ''})), ' ', h('span', {class: 'small'}, when(s.at)),
      s.note ? h('p', {class: 'small'}, s.note) : null)));
  }

  // POST JSON straight to the API (no outbox: the answer must be shown now); the refusal's words on error.
  async function post(url, body) {
    const response = await fetch(url, {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', Accept: 'application/json'}, body: JSON.stringify(body)});
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error(data && data.detail ? data.detail : String(response.status));
    return data;
  }
  return {show, post};
})();
