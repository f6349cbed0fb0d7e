"""Every endpoint's action in the permission matrix (geo.access.permissions), checked in one place for every request.

`authorize` runs before each endpoint (an app-wide dependency): it finds the endpoint's entry in ROUTES,
identifies the caller (bearer token, the map pages' cookie, or on Open311's routes only its api_key), counts the request
against the caller's rate limit (429 beyond it) and refuses roles the matrix does not allow with 403. An endpoint missing from ROUTES is refused too (fail closed);
tests/api/test_permissions.py checks that ROUTES names exactly the routers' endpoints. Scope (which
objects) is then applied by the queries themselves (geo.access.scope).
"""

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.deps import COOKIE, SessionDep, api_key, bearer, client_address, credential
from api.routers import (
    analytics,
    areas,
    audit,
    auth,
    buildings,
    care,
    cases,
    categories,
    checkpoints,
    compounds,
    departments,
    health,
    households,
    locate,
    maps,
    mobile,
    needs,
    open311,
    open311_public,
    party,
    party_coverage,
    party_tree,
    patrols,
    plans,
    points,
    public_pages,
    publications,
    reports,
    resident_need_pages,
    resident_pages,
    residents,
    staff,
    tiles,
    visits,
)
from geo.access import accounts, throttle
from geo.access.permissions import Permission, require
from geo.core.errors import AuthenticationFailed, Forbidden
from geo.core.i18n import msg
from geo.core.models import User
from geo.core.settings import get_settings

PUBLIC = "public"        # no credentials needed
SIGNED_IN = "signed_in"  # any account
A = Permission


def _tile_action(params: dict) -> Permission:
    return A.read_case_map if params.get("layer") == "cases" else A.read_boundaries


Rule = Permission | str | Callable[[dict], Permission]
ROUTES: dict[Callable, Rule] = {
    health.health: PUBLIC,
    auth.token: PUBLIC,
    auth.resident_code: PUBLIC,
    auth.resident_token: PUBLIC,
    auth.me: SIGNED_IN,
    auth.logout: SIGNED_IN,
    locate.locate: A.read_boundaries,
    staff.list_staff: A.read_staff,
    staff.staff_points: A.read_staff,
    buildings.buildings: A.read_boundaries,
    cases.create: A.create_case,
    cases.attachment: A.read_cases,
    cases.list_cases: A.read_cases,
    cases.heat: A.read_aggregates,
    cases.preview: A.create_case,
    cases.my_cases: A.act_on_case,
    cases.get_case: A.read_cases,
    cases.transition: A.act_on_case,
    cases.attach: A.act_on_case,
    categories.list_categories: A.read_boundaries,
    categories.area_kpis: A.read_aggregates,
    analytics.hotspots: A.read_aggregates,
    analytics.hexagon_bins: A.read_aggregates,
    analytics.emerging_hotspots: A.read_aggregates,
    analytics.warnings_of_the_day: A.read_aggregates,
    analytics.league_table: A.read_aggregates,
    analytics.worker_table: A.read_workload,
    analytics.density_png: A.read_aggregates,
    analytics.time_series: A.read_aggregates,
    analytics.field_figures: A.read_aggregates,
    analytics.building_visit_days: A.read_aggregates,
    party_coverage.party_coverage: A.read_aggregates,
    **{endpoint: A.plan for endpoint in (
        plans.create_plan, plans.propose_plan, plans.get_plan, plans.validate, plans.split, plans.merge,
        plans.reassign, plans.undo, plans.redo, plans.plan_impact, plans.export_plan, plans.plan_assignments,
        plans.compare_plans, plans.publish_plan, plans.unschedule_plan)},
    residents.list_residents: A.read_residents,
    residents.get_resident: A.read_residents,
    audit.audit_entries: A.read_audit,
    audit.verify_chain: A.read_audit,
    departments.list_departments: A.read_boundaries,
    departments.figures: A.read_aggregates,
    areas.list_areas: A.read_boundaries,
    areas.get_area: A.read_boundaries,
    areas.children: A.read_boundaries,
    areas.history: A.read_boundaries,
    open311.services: PUBLIC,  # the categories, as civic-reporting clients list them before anything else
    open311.services_xml: PUBLIC,
    open311.service_definition: PUBLIC,
    open311.service_definition_xml: PUBLIC,
    open311.list_requests: A.read_cases,
    open311.create_request: PUBLIC,  # a client's own api_key, checked by the endpoint (geo/access/open311_clients.py)
    open311.get_request: A.read_cases,
    party_tree.party_orgs: A.read_aggregates,
    party_tree.party_compound_layer: A.read_aggregates,
    tiles.get_tile: _tile_action,
    # party api: counts and coverage for everyone in scope; who is a member only for read_party_members
    compounds.list_compounds: A.read_boundaries,
    compounds.get_compound: A.read_aggregates,
    compounds.list_meetings: A.read_aggregates,
    compounds.record_meeting: A.record_compound_meetings,
    party.get_org: A.read_aggregates,
    party.list_members: A.read_party_members,
    party.get_member: A.read_party_members,
    party.report_in: A.record_party_work,
    party.record_activity: A.record_party_work,
    party.list_activities: A.read_aggregates,
    party.get_activity: A.read_aggregates,
    party.add_form: A.record_party_work,
    # field work: tracks are read within scope (geo/field/tracks.py), written only by their own worker
    patrols.start: A.record_field_work,
    patrols.current: A.record_field_work,
    patrols.list_patrols: A.read_tracks,
    patrols.get_patrol: A.read_tracks,
    patrols.add_points: A.record_field_work,
    patrols.check_in: A.record_field_work,
    patrols.finish: A.record_field_work,
    patrols.report_case: A.record_field_work,
    checkpoints.list_checkpoints: A.read_boundaries,
    checkpoints.replace_checkpoints: A.manage_checkpoints,
    maps.login_form: PUBLIC,
    maps.login: PUBLIC,
    maps.command_center_page: A.read_aggregates,
    maps.case_screen: A.read_cases,
    maps.grid_screen: A.read_case_map,
    maps.dispatch_screen: A.create_case,
    maps.plan_screen: A.plan,
    maps.party_screen: A.read_aggregates,
    mobile.m_login_form: PUBLIC,
    mobile.m_login: PUBLIC,
    mobile.m_logout: PUBLIC,
    mobile.m_service_worker: PUBLIC,
    mobile.m_manifest: PUBLIC,
    mobile.m_tasks: A.act_on_case,
    mobile.m_task: A.act_on_case,
    mobile.m_where: A.act_on_case,
    mobile.m_report: A.create_case,
    mobile.m_patrol: A.record_field_work,
    mobile.m_visit: A.record_field_work,
    mobile.m_care: A.record_field_work,
    mobile.m_grid: A.read_case_map,
    # household visits and the care list (geo/field): recorded by staff with a staff record, read within scope
    visits.record_visit: A.record_field_work,
    visits.attach_photo: A.record_field_work,
    visits.list_visits: A.read_field_work,
    households.households: A.read_residents,
    care.due: A.read_field_work,
    # a resident's own reports (geo/residents/reports.py): only their own, by the workflow's reporter check
    reports.report_topics: PUBLIC,
    # without an account: a report answered with its 查询码, and the one report a code opens (geo/residents/anonymous.py)
    reports.submit_anonymous: PUBLIC,
    reports.lookup_report: PUBLIC,
    reports.submit_report: A.own_reports,
    reports.my_reports: A.own_reports,
    reports.my_report: A.own_reports,
    reports.report_step: A.own_reports,
    reports.report_photo: A.own_reports,
    reports.report_photo_file: A.own_reports,
    # the residents' pages (/r/): their sign-in is open; the pages are a resident's own
    resident_pages.r_login_form: PUBLIC,
    resident_pages.r_send_code: PUBLIC,
    resident_pages.r_login: PUBLIC,
    resident_pages.r_logout: PUBLIC,
    resident_pages.r_reports: A.own_reports,
    resident_pages.r_new: A.own_reports,
    resident_pages.r_report: A.own_reports,
    resident_pages.r_service_worker: PUBLIC,
    # 三单制 (geo/residents/need_steps.py decides who takes which step) and 积分制
    needs.raise_need: A.act_on_needs,
    maps.needs_screen: A.read_needs,
    needs.list_needs: A.read_needs,
    needs.claim_board: A.act_on_needs,
    needs.my_needs: A.own_needs,
    needs.figures: A.read_needs,
    needs.monthly_notice: A.read_needs,
    needs.get_need: A.act_on_needs,
    needs.need_step: A.act_on_needs,
    points.my_points: A.own_needs,
    points.honours_consent: A.own_needs,
    points.holder_statement: A.approve_points,
    points.shop: SIGNED_IN,
    points.add_item: A.approve_points,
    points.redeem: A.redeem_points,
    points.honours: SIGNED_IN,
    points.awards: A.approve_points,
    points.decide_award: A.approve_points,
    points.activity_awards: A.approve_points,
    resident_need_pages.r_needs: A.own_needs,
    resident_need_pages.r_need_new: A.own_needs,
    resident_need_pages.r_need: A.own_needs,
    resident_need_pages.r_points: A.own_needs,
    # 居务公开 (WANGGE_PUBLIC; off, 404): the approval is an operator's, within scope; the results are public
    publications.get_publication: A.publish_results,
    publications.publish: A.publish_results,
    publications.withdraw: A.publish_results,
    public_pages.public_index: PUBLIC,
    public_pages.public_community: PUBLIC,
    open311_public.public_requests: PUBLIC,  # only for callers without a credential (open311_public.AnonymousRoute)
    open311_public.public_requests_xml: PUBLIC,
    open311_public.public_request: PUBLIC,
    open311_public.public_request_xml: PUBLIC,
    resident_pages.r_anonymous: PUBLIC,  # reporting and following with a 查询码 need no account
    resident_pages.r_lookup: PUBLIC,
}
# Pages send a caller without credentials to their login form instead of answering 401.
PAGES = {maps.command_center_page, maps.needs_screen, maps.case_screen, maps.grid_screen, maps.dispatch_screen, maps.plan_screen,
         maps.party_screen, mobile.m_tasks, mobile.m_task, mobile.m_where, mobile.m_report, mobile.m_patrol,
         mobile.m_visit, mobile.m_care, mobile.m_grid, resident_pages.r_reports, resident_pages.r_new,
         resident_pages.r_report, resident_need_pages.r_needs, resident_need_pages.r_need_new, resident_need_pages.r_need,
         resident_need_pages.r_points}
# Only GeoReport clients pass their token in the URL (`api_key`), where proxies and logs may keep it: nowhere else.
OPEN311 = {open311.services, open311.list_requests, open311.get_request}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def authorize(request: Request, session: SessionDep, token: Annotated[str | None, Depends(bearer)],
              key: Annotated[str | None, Depends(api_key)]) -> None:
    """Refuse the request unless the matrix lets the caller's role do the endpoint's action."""
    endpoint = request.scope["route"].endpoint
    rule = ROUTES.get(endpoint)
    if rule is None:
        raise Forbidden(msg("endpoint {name} has no entry in the permission matrix", name=endpoint.__name__))
    found = credential(request, token, key, key_allowed=endpoint in OPEN311) if rule != PUBLIC else None
    if found and not token and found == request.cookies.get(COOKIE) and request.method not in SAFE_METHODS:
        check_origin(request)
    user = _user(session, found, page=endpoint in PAGES)
    if user is None:
        throttle.check_request(f"address:{client_address(request)}")
        if rule == PUBLIC or endpoint in PAGES:
            return
        raise AuthenticationFailed(msg("not authenticated: send a bearer token from POST {url}", url="/api/v1/auth/token"))
    request.state.user = user
    request.state.caller = f"user:{user.id}"
    throttle.check_request(request.state.caller)
    if rule != SIGNED_IN:
        require(user.role, rule(request.path_params) if callable(rule) else rule)


def _user(session: Session, token: str | None, *, page: bool) -> User | None:
    """The account behind a credential (401 for a bad one), or None without one. A page takes a stale cookie for
    none, so its caller gets the login form rather than an error."""
    if not token:
        return None
    try:
        return accounts.user_for_token(session, token)
    except AuthenticationFailed:
        if page:
            return None
        raise


def check_origin(request: Request) -> None:
    """Forbidden unless a cookie-carried write comes from our own pages (CSRF): browsers name the page's origin in
    `Origin` on every POST, and a page of another port or subdomain (same site, so the cookie goes along) differs."""
    origin = request.headers.get("origin")
    ours = {f"{request.url.scheme}://{request.headers.get('host', '')}"}
    if get_settings().public_url:
        parts = urlsplit(get_settings().public_url)
        ours.add(f"{parts.scheme}://{parts.netloc}")
    if origin not in ours:
        raise Forbidden(msg("a write with the login cookie must come from this site's own pages (Origin {origin})",
                            origin=origin or "-"))
