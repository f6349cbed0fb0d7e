"""Open311 as civic-reporting clients use it: `georeport` (a GeoReport v2 client from PyPI) against the running
server, in JSON and XML, with a jurisdiction, and without any credentials for the services; a request posted with
a client's own api_key, read back as it was sent."""

import secrets

import pytest
import requests
from georeport import GeoReport

from geo.access import open311_clients
from geo.cases.categories import categories
from geo.core import db
from tests.city import PASSWORD


@pytest.fixture
def open311(server):
    return server + "/open311/v2"


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_a_client_lists_the_services_without_credentials(open311, output_format):
    client = GeoReport(open311, jurisdiction="wangge.example", output_format=output_format)
    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    assert codes == list(categories())
    garbage = next(s for s in services if s["service_code"] == "env_garbage")
    assert garbage["service_name"] == "暴露垃圾" and str(garbage["metadata"]).lower() == "false"


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_a_client_reads_a_service_definition(open311, output_format):
    definition = GeoReport(open311, output_format=output_format).get_service_definition("env_garbage")
    assert definition["service_code"] == "env_garbage"


def test_an_unknown_service_is_a_404_naming_it(open311):
    with pytest.raises(requests.HTTPError) as refused:
        GeoReport(open311).get_service_definition("ufo")
    assert refused.value.response.status_code == 404 and "ufo" in refused.value.response.json()["detail"]


def test_requests_without_credentials_are_the_public_ones_and_off_by_default(open311):
    # anonymous callers get the public, de-identified requests (tests/e2e/test_public_results.py): none while
    # WANGGE_PUBLIC is off; staff with a token or api_key still get their own (api/routers/open311.py)
    with pytest.raises(requests.HTTPError) as refused:
        GeoReport(open311).get_service_requests()
    assert refused.value.response.status_code == 404


@pytest.fixture
def client_key(cluster):
    """An api_key issued in the served database as `wangge keys open311` does."""
    engine = db.make_engine(cluster.url("wangge_e2e"))
    with db.session_factory(engine).begin() as session:
        key = open311_clients.issue(session, f"e2e-{secrets.token_hex(4)}")
    engine.dispose()
    return key


def test_a_client_posts_a_request_with_its_key_and_it_arrives_as_sent(server, open311, client_key):
    """georeport (0.3.1) only reads: the post is sent as it and other GeoReport clients send one, form-encoded with
    the api_key, and read back through the staff API and GeoReport's own request view."""
    services = GeoReport(open311, jurisdiction="wangge.example").get_service_list()
    assert "facility_streetlight" in [s["service_code"] for s in services]
    posted = requests.post(f"{open311}/requests.json", data={
        "api_key": client_key, "jurisdiction_id": "wangge.example", "service_code": "facility_streetlight",
        "lat": "39.95", "long": "116.43", "description": "路灯不亮，请尽快修", "address_string": "甲二号院北门",
        "first_name": "刘"})
    assert posted.status_code == 201, posted.text
    request_id = posted.json()[0]["service_request_id"]
    token = requests.post(server + "/api/v1/auth/token", data={"username": "boss", "password": PASSWORD}).json()
    staff = {"Authorization": f"Bearer {token['access_token']}"}
    case = requests.get(f"{server}/api/v1/cases/{request_id}", headers=staff).json()
    assert (case["category"]["code"], case["channel"], case["description"]) == \
        ("facility_streetlight", "self_report", "路灯不亮，请尽快修")
    assert (case["lon"], case["lat"]) == (116.43, 39.95)
    # georeport never sends its api_key: read the request as GeoReport clients that do, with the token as api_key
    shown = requests.get(f"{open311}/requests/{request_id}.json", params={"api_key": token["access_token"]}).json()[0]
    assert shown["description"] == "路灯不亮，请尽快修" and shown["service_code"] == "facility_streetlight"


def test_a_post_without_a_key_is_a_georeport_403(open311):
    refused = requests.post(f"{open311}/requests.json", data={"service_code": "env_garbage", "lat": "39.95",
                                                              "long": "116.43", "description": "垃圾"})
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
