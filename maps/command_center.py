"""The command-center screen: boundaries as vector tiles coloured by open cases, open cases clustered, KPIs.

Nothing is inlined: the page asks the API for tiles (/tiles/…), cases (/api/v1/cases?bbox=…) and
KPIs (/api/v1/kpis) with the login cookie, and refreshes cases and KPIs every minute.
"""

import json

from jinja2 import Template
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.scope import Scope, like_pattern
from maps.labels import LABELS
from maps.offline import PageScript, page

# Open cases per grid → colour; the legend shows the same steps.
STEPS = [(0, "#f7fbff"), (1, "#c6dbef"), (3, "#6baed6"), (6, "#2171b5"), (10, "#08306b")]
STATUS_COLOURS = {"intake": "#969696", "registered": "#6a51a3", "dispatched": "#3182bd", "handling": "#31a354",
                  "reported": "#fd8d3c", "verified": "#e6550d", "returned": "#de2d26", "suspended": "#636363"}


def scope_bounds(session: Session, scope: Scope) -> list[list[float]]:
    """[[south, west], [north, east]] of the grids in the caller's scope (where the work is), else of its area."""
    row = session.execute(text(
        "SELECT ST_YMin(e), ST_XMin(e), ST_YMax(e), ST_XMax(e) FROM (SELECT coalesce("
        " (SELECT ST_Extent(geom) FROM areas WHERE level = 'grid' AND code LIKE :pattern),"
        " (SELECT ST_Extent(geom) FROM areas WHERE code = :code)) e) x"),
        {"pattern": like_pattern(scope), "code": scope.area_code}).one()
    if row[0] is None:
        return [[18.0, 73.0], [54.0, 135.0]]  # nothing imported yet: China
    return [[row[0], row[1]], [row[2], row[3]]]


class CommandCenterLayers(PageScript):
    """The page's own Leaflet code, rendered after the map so it can use the map variable."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  const [map, T, W] = window.wanggeUtil.page({{ this._parent.get_name() }}, {{ this.labels }}, {cases: 0, loads: 0, gridFeatures: 0, kpis: null, drilled: null, gridClicked: null});
  const {esc, when} = window.wanggeUtil;
  const STEPS = {{ this.steps }};
  const STATUS = {{ this.status_colours }};
  const colour = n => { let c = STEPS[0][1]; for (const [min, col] of STEPS) { if (n >= min) c = col; } return c; };
  const tileOptions = (layer, style) => ({
    vectorTileLayerStyles: {[layer]: style}, interactive: true, maxNativeZoom: 18,
    getFeatureId: f => f.properties.code, rendererFactory: L.svg.tile,
  });
  const grids = L.vectorGrid.protobuf('/tiles/grids/{z}/{x}/{y}.mvt', tileOptions('grids', p => {
    W.gridFeatures += 1;
    return {weight: 1, color: '#555', fill: true, fillColor: colour(p.open_cases), fillOpacity: 0.65};
  })).on('click', e => {
    // Drill-down: the first click in a community zooms to it; clicks inside the drilled community open grids.
    const p = e.layer.properties;
    if (W.drilled !== p.parent_code) { drill(p.parent_code); return; }
    W.gridClicked = p.code;
    L.popup().setLatLng(e.latlng).setContent('<b>' + esc(p.name) + '</b><br>' + T.open_cases + ': ' + p.open_cases +
      '<br>' + T.overdue + ': ' + p.overdue_cases).openOn(map);
  });
  const communities = L.vectorGrid.protobuf('/tiles/communities/{z}/{x}/{y}.mvt', tileOptions('communities',
      () => ({weight: 2, color: '#d94801', fill: false})));
  function drill(code) {
    if (W.drilled) communities.resetFeatureStyle(W.drilled);
    communities.setFeatureStyle(code, {weight: 5, color: '#a63603', fill: false});
    W.drilled = code;
    fetch('/api/v1/communities/' + code + '?simplify=0.0001').then(r => r.json())
      .then(f => map.fitBounds(L.geoJSON(f).getBounds()));
  }
  const streets = L.vectorGrid.protobuf('/tiles/streets/{z}/{x}/{y}.mvt', tileOptions('streets',
      () => ({weight: 4, color: '#54278f', fill: false})));
  grids.addTo(map); communities.addTo(map);
  const cluster = L.markerClusterGroup({showCoverageOnHover: false}).addTo(map);
  L.control.layers(null, {[T.streets]: streets, [T.communities]: communities, [T.grids]: grids, [T.cases]: cluster},
                   {collapsed: false}).addTo(map);

  const popup = c => '<b>' + esc(c.category.name) + '</b><br>' + T.status + ': ' + esc(c.status) +
      '<br>' + T.reported + ': ' + when(c.reported_at, T.none) +
      '<br>' + T.assignee + ': ' + esc(c.assignee ? c.assignee.name : T.none) +
      '<br>' + T.due + ': ' + when(c.due_at, T.none) +
      '<br><a href="/maps/cases/' + c.id + '">' + T.details + '</a>';
  function loadCases() {
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(v => v.toFixed(6)).join(',');
    return fetch('/api/v1/cases?open=true&limit=1000&bbox=' + bbox).then(r => r.json()).then(page => {
      cluster.clearLayers();
      for (const c of page.items) {
        const colourOf = c.overdue ? '#d7301f' : (STATUS[c.status] || '#3182bd');
        L.circleMarker([c.lat, c.lon], {radius: c.urgency === 'urgent' ? 9 : 6, color: '#fff', weight: 1,
                                        fillColor: colourOf, fillOpacity: 0.9, className: 'case-marker'})
          .bindPopup(popup(c)).addTo(cluster);
      }
      W.cases = page.items.length;
      W.loads += 1;
    });
  }
  const kpiBox = L.control({position: 'topright'});
  kpiBox.onAdd = () => { const d = L.DomUtil.create('div', 'wangge-kpis'); d.id = 'kpis'; return d; };
  kpiBox.addTo(map);
  const pct = v => v === null ? '–' : (v * 100).toFixed(1) + '%';
  function loadKpis() {
    return fetch('/api/v1/kpis').then(r => r.json()).then(k => {
      W.kpis = k;
      document.getElementById('kpis').innerHTML = '<b>' + T.kpis + '</b><br>' +
        ['response_rate', 'resolution_rate', 'satisfaction_rate', 'on_time_rate']
          .map(key => T[key] + ': <span data-kpi="' + key + '">' + pct(k[key]) + '</span>').join('<br>') +
        '<br>' + T.avg_handling_hours + ': ' + (k.avg_handling_hours === null ? '–' : k.avg_handling_hours);
    });
  }
  const legend = L.control({position: 'bottomright'});
  legend.onAdd = () => {
    const d = L.DomUtil.create('div', 'wangge-legend');
    d.innerHTML = '<b>' + T.legend + '</b><br>' + STEPS.map(([min, col], i) =>
      '<i style="background:' + col + '"></i> <span class="step">' + min +
      (i + 1 === STEPS.length ? '+' : STEPS[i + 1][0] - 1 > min ? '–' + (STEPS[i + 1][0] - 1) : '') + '</span>').join('<br>');
    return d;
  };
  legend.addTo(map);
  map.on('moveend', loadCases);
  loadCases(); loadKpis();
  setInterval(() => { loadCases(); loadKpis(); }, 60000);
})();
{% endmacro %}
""")

    def __init__(self, lang: str):
        super().__init__(lang)
        self.steps = json.dumps(STEPS)
        self.status_colours = json.dumps(STATUS_COLOURS)


def command_center(session: Session, scope: Scope, lang: str = "zh") -> str:
    """The HTML of the command-center page for `scope`."""
    return page(scope_bounds(session, scope), LABELS[lang]["title"], CommandCenterLayers(lang), panel=False)
