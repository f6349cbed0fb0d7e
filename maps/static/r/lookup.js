// 查询进度: the 查询码 typed (in the body of a POST, so it stays out of access logs), then that report's timeline.
(function () {
  const {T, $} = m;
  $('lookup-form').addEventListener('submit', async event => {
    event.preventDefault();
    const code = $('code').value.trim();
    $('lookup-message').textContent = '';
    if (!code) { $('code').focus(); return; }
    try {
      rview.show(await rview.post('/api/v1/reports/lookup', {code}));
      $('report').hidden = false;
    } catch (e) {
      $('report').hidden = true;
      $('timeline').replaceChildren();
      $('lookup-message').textContent = navigator.onLine ? String(e.message || e) : T('r_offline_anonymous');
    }
  });
})();
