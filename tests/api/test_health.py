"""GET /api/v1/health: up, which PostGIS and schema, and what the operator should act on soon."""


def test_health_warns_while_no_official_calendar_covers_the_next_60_days(client, session, monkeypatch):
    from datetime import date

    from api.routers import health
    from geo.cases import official_calendar

    monkeypatch.setattr(health, "china_today", lambda: date(2026, 12, 1))
    warnings = client.get("/api/v1/health", headers={"Accept-Language": "zh-CN"}).json()["warnings"]
    assert len(warnings) == 1 and warnings[0].startswith("从 2027-01-01 起没有官方节假日安排")
    official_calendar.load_notice(session, [official_calendar.NoticeDay(date(2027, 1, 1), "holiday", "元旦")])
    assert client.get("/api/v1/health").json()["warnings"] == []
