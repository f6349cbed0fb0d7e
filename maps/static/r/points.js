// 积分: the resident's balance and ledger, the points waiting for approval, their community's 积分超市 (兑换 while
// stock lasts), the 光荣榜 of those who agreed to be shown, and their own consent.
(function () {
  const {T, h, $, clear, get, when} = m;
  let statement = null;

  function showStatement(s) {
    statement = s;
    const pending = s.pending.reduce((sum, a) => sum + a.points, 0);
    clear($('balance'), h('p', {class: 'state on'}, T('r_balance', {n: s.balance})),
      pending ? h('p', {class: 'small'}, T('r_pending', {n: pending})) : null);
    $('balance').removeAttribute('aria-busy');
    clear($('ledger'), s.entries.length ? s.entries.map(e => h('li', {class: 'card row'},
      h('span', {class: 'grow'}, e.kind === 'earn' ? T('r_earned_' + (e.rule || 'other')) : T('r_redeemed', {item: e.item || ''}),
        h('br'), h('span', {class: 'small'}, when(e.at))),
      h('b', {class: e.points > 0 ? 'left' : 'late'}, (e.points > 0 ? '+' : '') + e.points))) : h('li', {class: 'empty'}, T('r_ledger_none')));
    $('consent-form').hidden = false;
    $('consent').checked = s.holder.honour_consent;
    $('shown-name').value = s.holder.honour_name || '';
    loadShop(s.holder.community);
  }

  async function loadShop(community) {
    const [{data: items}, {data: honours}] = await Promise.all([
      get('/api/v1/points/shop?community=' + encodeURIComponent(community)),
      get('/api/v1/points/honours?community=' + encodeURIComponent(community))]);
    clear($('shop'), items.length ? items.map(i => h('li', {class: 'card row'},
      h('span', {class: 'grow'}, h('b', {}, i.name), h('br'), h('span', {class: 'small'}, T('r_cost', {n: i.cost, left: i.stock}))),
      h('button', {type: 'button', class: 'redeem', disabled: i.stock < 1 || statement.balance < i.cost ? '' : null,
        onclick: () => redeem(i)}, T('r_redeem')))) : h('li', {class: 'empty'}, T('r_shop_none')));
    clear($('honours'), honours.length ? honours.map(x => h('li', {class: 'card row'}, h('b', {class: 'grow'}, x.name),
      h('span', {}, T('r_points_n', {n: x.points})))) : h('li', {class: 'empty'}, T('r_honours_none')));
  }

  async function redeem(item) {
    if (!confirm(T('r_redeem_confirm', {item: item.name, n: item.cost}))) return;
    await wanggeQueue.add({label: T('r_redeem') + ' ' + item.name, requests: [{method: 'POST', url: '/api/v1/points/redeem',
      json: {item_id: item.id}}]});
    $('points-message').textContent = navigator.onLine ? T('r_redeemed_note') : T('m_saved');
    await wanggeQueue.flush();
    if (navigator.onLine) load();
  }

  $('consent-form').addEventListener('submit', async event => {
    event.preventDefault();
    const consent = $('consent').checked, name = $('shown-name').value.trim();
    if (consent && !name) { $('shown-name').focus(); return; }
    await wanggeQueue.add({label: T('r_honours'), requests: [{method: 'PUT', url: '/api/v1/points/me/honours',
      json: {consent, shown_name: name || null}}]});
    $('points-message').textContent = navigator.onLine ? T('m_sent') : T('m_saved');
    await wanggeQueue.flush();
    if (navigator.onLine) load();
  });

  async function load() {
    try { showStatement((await get('/api/v1/points/me')).data); }
    catch (e) { clear($('balance'), h('p', {class: 'empty'}, T('r_points_none'))); $('balance').removeAttribute('aria-busy'); }
  }
  load();
})();
