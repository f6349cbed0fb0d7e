// One report: where it stands, where it went, the reply, the timeline; 评价 once closed (only by its reporter)
// and 重新办理 within the days allowed. Steps go through the outbox with the version read.
(function () {
  const {T, h, $, clear, get} = m;
  const id = Number(location.pathname.split('/').pop());
  const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'];

  function show(r) {
    rview.show(r);
    actions(r);
  }

  function actions(r) {
    const box = $('report-actions');
    box.hidden = !r.allowed_actions.length;
    const parts = [];
    if (r.allowed_actions.includes('rate')) {
      parts.push(h('p', {}, h('b', {}, T('r_rate_prompt'))),
        h('div', {class: 'row'}, RATINGS.map(v => h('button', {type: 'button', class: 'big', 'data-rating': v,
          onclick: () => step(r, {action: 'rate', rating: v})}, T('r_rating_' + v)))));
    }
    if (r.allowed_actions.includes('reopen')) {
      const note = h('textarea', {id: 'reopen-note', rows: 2, maxlength: 2000, placeholder: T('r_reopen_hint')});
      parts.push(h('label', {for: 'reopen-note'}, T('r_reopen')), note,
        h('button', {type: 'button', class: 'big', id: 'reopen', onclick: () => {
          if (!note.value.trim()) { note.focus(); return; }
          step(r, {action: 'reopen', note: note.value.trim()});
        }}, T('r_reopen')));
    }
    clear(box, parts);
  }

  async function step(r, body) {
    await wanggeQueue.add({label: T('r_number', {id: r.id}) + ' ' + T(body.action === 'rate' ? 'r_rate' : 'r_reopen'),
      requests: [{method: 'POST', url: '/api/v1/reports/' + r.id + '/steps', json: Object.assign({version: r.version}, body)}]});
    $('report-actions').hidden = true;
    $('report-message').textContent = navigator.onLine ? T('m_sent') : T('m_saved');
    await wanggeQueue.flush();
    if (navigator.onLine) load();
  }

  async function load() {
    try { show((await get('/api/v1/reports/' + id)).data); }
    catch (e) { clear($('report'), h('p', {class: 'empty'}, String(e.message || e))); }
  }
  load();
})();
