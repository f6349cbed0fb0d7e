"""Open311 POSTs as real GeoReport clients send them: Chinese as raw UTF-8 bytes (charset declared or not), as
percent-escapes, or in a declared GBK, all stored as the resident wrote it; a body that is not text is a 400."""

from urllib.parse import quote

import pytest

from tests.security.hostile import open311_client_key

TEXT = "路灯不亮，请尽快修"


def post(client, session, content: bytes, content_type: str):
    """Post as an Open311 client does, with its own api_key."""
    return client.post("/open311/v2/requests.json", content=content, params={"api_key": open311_client_key(session)},
                       headers={"Content-Type": content_type})


def fields(description: bytes) -> bytes:
    return b"service_code=facility_streetlight&lat=39.95&long=116.41&first_name=%E5%88%98&description=" + description


@pytest.mark.parametrize("content_type,description", [
    ("application/x-www-form-urlencoded", TEXT.encode("utf-8")),                   # raw bytes, no charset
    ("application/x-www-form-urlencoded; charset=utf-8", TEXT.encode("utf-8")),    # raw bytes, declared
    ("application/x-www-form-urlencoded; charset=UTF-8", quote(TEXT).encode()),    # escaped, as browsers send
    ("application/x-www-form-urlencoded; charset=gbk", TEXT.encode("gbk")),        # an older desk system
])
def test_chinese_arrives_as_written(client, session, city, login, content_type, description):
    headers = login()
    r = post(client, session, fields(description), content_type)
    assert r.status_code in (200, 201), r.text
    case_id = r.json()[0]["service_request_id"]
    shown = client.get(f"/open311/v2/requests/{case_id}.json", headers=headers).json()[0]
    assert shown["description"] == TEXT
    assert client.get(f"/api/v1/cases/{case_id}", headers=headers).json()["reporters"][0]["name"].startswith("刘")


def test_a_body_that_is_not_text_in_its_charset_is_refused(client, session, city):
    r = post(client, session, fields(b"\xff\xfe\xfa"), "application/x-www-form-urlencoded")
    assert r.status_code == 400 and r.json()["code"] == "bad_request" and "UTF-8" in r.json()["detail"]
