// 微心愿: the claim board (认领墙) of the resident's community, with 我来认领 through the outbox, and the needs
// they raised or claimed, each with where it stands.
(function () {
  const {T, h, $, clear, get, q, day} = m;

  function card(n, claimable) {
    return h('li', {class: 'card need status-' + n.status, 'data-need': n.id},
      h('a', {href: '/r/needs/' + n.id + q, class: 'task-link'},
        h('div', {class: 'row'}, h('b', {class: 'grow'}, n.title),
          h('span', {class: 'badge ' + (n.kind === 'public' ? 'public' : 'personal')}, T('r_need_kind_' + n.kind))),
        h('p', {class: 'small'}, [n.compound ? n.compound.name : n.community.name, n.organisation].filter(Boolean).join(' · ')),
        h('div', {class: 'row small'}, h('span', {class: 'grow'}, n.due_on ? T('r_due', {day: day(n.due_on)}) : ''),
          h('span', {class: 'status'}, T('need_status_' + n.status)))),
      claimable && n.allowed_actions.includes('claim')
        ? h('button', {type: 'button', class: 'big primary claim', onclick: () => claim(n)}, T('r_claim')) : null);
  }

  async function claim(n) {
    await wanggeQueue.add({label: T('r_claim') + ' ' + n.title, requests: [{method: 'POST',
      url: '/api/v1/needs/' + n.id + '/transitions', json: {action: 'claim', version: n.version}}]});
    $('needs-note').hidden = false;
    $('needs-note').textContent = navigator.onLine ? T('r_claimed') : T('m_saved');
    await wanggeQueue.flush();
    if (navigator.onLine) load();
  }

  async function fill(list, url, claimable, none) {
    try {
      const {data} = await get(url);
      clear(list, data.items.length ? data.items.map(n => card(n, claimable)) : h('li', {class: 'empty'}, T(none)));
    } catch (e) { clear(list, h('li', {class: 'empty'}, String(e.message || e))); }
    list.removeAttribute('aria-busy');
  }

  function load() {
    fill($('board'), '/api/v1/needs/board', true, 'r_board_none');
    fill($('my-needs'), '/api/v1/needs/mine', false, 'r_needs_none');
  }
  load();
  window.addEventListener('online', load);
})();
