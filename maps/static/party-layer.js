// The 党建 layer the command center, the organisation-tree page and the grid page share: compounds coloured by their
// two coverages (organisation and work: green; organisation only, the branch idle: amber; none: red), the gaps
// outlined thick and dashed, a popup and a legend in the page's words. Every text goes into the DOM as text.
// colours: {both, org_only, none}
window.wanggePartyLayer = (function () {
  const {h} = window.wanggeUtil;
  // Which of the three a compound is.
  const coverage = p => (p.org_covered ? (p.work_covered ? 'both' : 'org_only') : 'none');
  const style = colours => f => {
    const c = coverage(f.properties);
    return {color: f.properties.gap ? '#7f0000' : '#1b5e20', weight: f.properties.gap ? 3 : 1.5,
            dashArray: f.properties.gap ? '6 4' : null, fillColor: colours[c], fillOpacity: 0.55,
            className: 'party-compound party-' + c + (f.properties.gap ? ' party-gap' : '')};
  };
  const yesNo = (v, T) => (v ? T.party_map_yes : T.party_map_no);
  // A compound's coverage in words: the one the legend names.
  const words = (p, T) => T['party_map_' + coverage(p)];
  const popup = (p, T) => h('div', {class: 'party-popup'}, h('b', null, p.name),
    h('div', {class: 'party-' + coverage(p) + '-text'}, words(p, T)),
    h('div', null, T.party_map_branches + '：' + (p.branches.length ? p.branches.join('、') : T.party_map_none_yet)),
    h('div', null, T.party_map_last_activity + '：' + (p.last_activity || T.party_map_none_yet)),
    h('div', null, T.party_map_org_covered + '：' + yesNo(p.org_covered, T) + ' · ' + T.party_map_work_covered + '：' +
                   yesNo(p.work_covered, T)));
  // The legend's lines.
  const legend = (colours, T) => [h('b', null, T.party_map_legend),
    ['both', 'org_only', 'none'].map(k => h('div', null, h('i', {style: {background: colours[k]}}), ' ' + T['party_map_' + k])),
    h('div', null, h('i', {class: 'gap-swatch'}), ' ' + T.party_map_gap)];
  // A GeoJSON layer of compounds with their tooltips (name and coverage) and popups.
  function layer(colours, T) {
    return L.geoJSON(null, {style: style(colours),
      onEachFeature: (f, l) => l.bindPopup(() => popup(f.properties, T))
        .bindTooltip(() => h('span', null, f.properties.name + ' · ' + words(f.properties, T)), {sticky: true})});
  }
  const tally = fc => fc.features.reduce((n, f) => { const c = coverage(f.properties); n[c] = (n[c] || 0) + 1; return n; },
                                         {both: 0, org_only: 0, none: 0});
  return {coverage, style, popup, legend, layer, tally, words};
})();
