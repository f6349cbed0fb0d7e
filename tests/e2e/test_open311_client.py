"""Open311 as civic-reporting clients use it: `georeport` (a GeoReport v2 client from PyPI) against the running
server, in JSON and XML, with a jurisdiction, and without any credentials for the services."""

import pytest
import requests
from georeport import GeoReport

from geo.cases.categories import categories


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
