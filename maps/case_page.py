"""The case screen: the case on the map inside its grid, the grid's staff on duty, and the case's history."""

import json

from jinja2 import Template
from sqlalchemy.orm import Session

from geo.cases.reading import get_case
from geo.cases.workflow import Actor
from maps.command_center import STATUS_COLOURS
from maps.labels import LABELS
from maps.offline import PageScript, page

class CaseLayers(PageScript):
    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  const [map, T, W] = window.wanggeUtil.page({{ this._parent.get_name() }}, {{ this.labels }}, {grid: false, staff: null});
  const c = {{ this.case }};
  L.circleMarker([c.lat, c.lon], {radius: 9, color: '#fff', weight: 2, fillColor: {{ this.colour }}, fillOpacity: 1,
                                   className: 'case-marker'}).addTo(map).bindPopup('<b>' + c.category.name + '</b>');
  const panel = document.getElementById('case-panel');
  const {esc, when} = window.wanggeUtil;
  panel.innerHTML = '<b>#' + c.id + ' ' + esc(c.category.name) + '</b><br>' + T.status + ': ' + esc(T['status_' + c.status] || c.status) +
    '<br>' + T.reported + ': ' + when(c.reported_at, T.none) +
    '<br>' + T.assignee + ': ' + esc(c.assignee ? c.assignee.name : T.none) +
    '<br>' + T.due + ': ' + when(c.due_at, T.none) +
    '<br>' + esc(c.description) + '<div id="case-staff"></div><b>' + T.history + '</b><ol>' +
    c.history.map(h => '<li>' + when(h.at) + ' ' + esc(h.actor) + ': ' + esc(h.action) +
                        (h.note ? ' — ' + esc(h.note) : '') + '</li>').join('') + '</ol>';
  if (c.grid) {
    fetch('/api/v1/grids/' + c.grid.code).then(r => r.json()).then(f => {
      L.geoJSON(f, {style: {color: '#2171b5', weight: 3, fillOpacity: 0.1}}).addTo(map)
        .bindTooltip(f.properties.name, {permanent: true, direction: 'center', className: 'grid-name'});
      W.grid = true;
    });
    fetch('/api/v1/staff?area=' + c.grid.code).then(r => r.json()).then(staff => {
      W.staff = staff.length;
      document.getElementById('case-staff').innerHTML = '<b>' + T.grid_staff + '</b><br>' +
        staff.map(s => esc(s.name) + ' (' + esc(T[s.duty] || s.duty) + ') ' + esc(s.phone)).join('<br>');
    });
  }
})();
{% endmacro %}
""")

    def __init__(self, case: dict, lang: str):
        super().__init__(lang)
        self.case = json.dumps(case, ensure_ascii=False, default=str)
        self.colour = json.dumps("#d7301f" if case["overdue"] else STATUS_COLOURS.get(case["status"], "#3182bd"))


def case_page(session: Session, case_id: int, actor: Actor, lang: str = "zh") -> str:
    """The HTML of one case's page (NotFound outside the actor's scope)."""
    case = get_case(session, case_id, actor)
    d = 0.004  # about 400 m around the case
    bounds = [[case["lat"] - d, case["lon"] - d], [case["lat"] + d, case["lon"] + d]]
    return page(bounds, f"{LABELS[lang]['case']} #{case_id}", CaseLayers(case, lang))
