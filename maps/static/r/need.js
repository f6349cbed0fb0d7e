// One need: what was asked, where it stands, who claimed it, the proof; the steps open to this resident now
// (认领, 完成 with what was done, 确认并评价, 退回重办, 放弃认领, 撤回), each through the outbox on the version read.
(function () {
  const {T, h, $, clear, get, when, day} = m;
  const id = Number(location.pathname.split('/').pop());
  const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'];
  const NOTES = {complete: ['proof', 'r_proof_hint'], release: ['note', 'r_reason_hint'], redo: ['note', 'r_reason_hint']};

  function show(n) {
    clear($('need'),
      h('div', {class: 'row'}, h('b', {class: 'grow'}, n.title), h('span', {class: 'status'}, T('need_status_' + n.status))),
      n.description ? h('p', {class: 'desc'}, n.description) : null,
      h('p', {class: 'small'}, [n.compound ? n.compound.name : n.community.name, n.building].filter(Boolean).join(' ')),
      n.organisation ? h('p', {class: 'small'}, T('r_ordered_by') + '：', n.organisation) : null,
      n.due_on ? h('p', {class: 'small'}, T('r_due', {day: day(n.due_on)})) : null,
      n.claimer ? h('p', {class: 'small'}, T('r_claimer') + '：',
        n.claimer.yours ? T('r_you') : (n.claimer.name || T('r_claimer_' + n.claimer.kind))) : null,
      n.proof ? h('p', {class: 'reply'}, h('b', {}, T('r_proof') + '：'), n.proof) : null,
      n.rating ? h('p', {class: 'small'}, T('r_your_rating') + '：', T('r_rating_' + n.rating)) : null);
    $('need').removeAttribute('aria-busy');
    clear($('timeline'), (n.timeline || []).map(s => h('li', {class: 'step'},
      h('b', {}, T('need_action_' + s.action)), ' ', h('span', {class: 'small'}, when(s.at)),
      s.note ? h('p', {class: 'small'}, s.note) : null)));
    actions(n);
  }

  function actions(n) {
    const box = $('need-actions');
    box.hidden = !n.allowed_actions.length;
    clear(box, n.allowed_actions.flatMap(action => {
      if (action === 'confirm') {
        return [h('p', {}, h('b', {}, T('r_confirm_prompt'))), h('div', {class: 'row'}, RATINGS.map(v =>
          h('button', {type: 'button', class: 'big', 'data-rating': v,
            onclick: () => step(n, {action: 'confirm', rating: v})}, T('r_rating_' + v))))];
      }
      if (NOTES[action]) {
        const [field, hint] = NOTES[action];
        const text = h('textarea', {id: action + '-text', rows: 2, maxlength: 2000, placeholder: T(hint)});
        return [h('label', {for: action + '-text'}, T('need_action_' + action)), text,
          h('button', {type: 'button', class: 'big' + (action === 'complete' ? ' primary' : ''), id: action,
            onclick: () => { if (!text.value.trim()) { text.focus(); return; }
              step(n, {action, [field]: text.value.trim()}); }}, T('need_action_' + action))];
      }
      return h('button', {type: 'button', class: 'big' + (action === 'claim' ? ' primary' : ''), id: action,
        onclick: () => step(n, {action})}, T(action === 'claim' ? 'r_claim' : 'need_action_' + action));
    }));
  }

  async function step(n, body) {
    await wanggeQueue.add({label: n.title + ' ' + T('need_action_' + body.action), requests: [{method: 'POST',
      url: '/api/v1/needs/' + n.id + '/transitions', json: Object.assign({version: n.version}, body)}]});
    $('need-actions').hidden = true;
    $('need-message').textContent = navigator.onLine ? T('m_sent') : T('m_saved');
    await wanggeQueue.flush();
    if (navigator.onLine) load();
  }

  async function load() {
    try { show((await get('/api/v1/needs/' + id)).data); }
    catch (e) { clear($('need'), h('p', {class: 'empty'}, String(e.message || e))); }
  }
  load();
})();
