"""Personal data at rest: the raw tables hold no ID number or phone in clear; the keyed hash finds them."""

import secrets

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from geo.access import crypto
from geo.core import db, migrate
from geo.core.settings import Settings
from geo.people.rosters.importer import import_roster
from tests.conftest import fresh_database
from tests.geo.people.test_rosters import RESIDENTS, ZHANG, buildings, write_csv  # noqa: F401 (buildings is a fixture)

ID, PHONE = "110105199001011234", "13812345678"


def test_sealing_is_random_and_the_lookup_is_not():
    assert crypto.seal(ID) != crypto.seal(ID)
    assert crypto.reveal(crypto.seal(ID)) == ID and crypto.reveal(None) is None
    assert crypto.lookup(ID) == crypto.lookup(" 110105199001011234 ".lower()) != crypto.lookup(PHONE)
    with pytest.raises(ValueError):
        crypto.reveal(b"\x02" + crypto.seal(ID)[1:])


def test_the_raw_tables_hold_no_plaintext(session, buildings, tmp_path):
    import_roster(session, write_csv(tmp_path / "r.csv", RESIDENTS), "residents")
    raw = session.execute(text("SELECT row_to_json(r)::text FROM residents r")).scalars().all()
    assert len(raw) == 3 and not any(ZHANG in row or "138001" in row for row in raw)
    columns = session.execute(text("SELECT column_name FROM information_schema.columns WHERE table_name = 'residents'"))
    assert {"id_number", "phone"}.isdisjoint(columns.scalars())
    found = session.execute(text("SELECT id_number_enc FROM residents WHERE id_number_hmac = :h"),
                            {"h": crypto.lookup(ZHANG)}).scalar()
    assert crypto.reveal(found) == ZHANG


def test_the_migration_seals_what_was_there_and_opens_it_on_the_way_down(cluster):
    engine = db.make_engine(fresh_database(cluster, "wangge_sealing"))
    try:
        migrate.upgrade(engine, "0007")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO buildings (name, geom) VALUES ('楼', ST_SetSRID(ST_MakePoint(116.4, 39.9), 4326))"))
            conn.execute(text("INSERT INTO households (building_id, door) SELECT id, '1' FROM buildings"))
            conn.execute(text("INSERT INTO residents (household_id, name, id_number, phone) SELECT id, '张三', :i, :p "
                              "FROM households"), {"i": ID, "p": PHONE})
        migrate.upgrade(engine)
        with engine.connect() as conn:
            sealed, digest = conn.execute(text("SELECT id_number_enc, id_number_hmac FROM residents")).one()
        assert crypto.reveal(sealed) == ID and bytes(digest) == crypto.lookup(ID) and ID.encode() not in bytes(sealed)
        migrate.downgrade(engine, "0007")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id_number, phone FROM residents")).one() == (ID, PHONE)
    finally:
        engine.dispose()


def test_production_needs_its_secrets():
    with pytest.raises(ValidationError, match="WANGGE_SECRET_KEY and WANGGE_DATA_KEY"):
        Settings(env="production", secret_key=None, data_key=None)
    with pytest.raises(ValidationError, match="32 or more"):
        Settings(env="production", secret_key="short", data_key=crypto.new_key())
    gateway = {"sms": "webhook", "sms_webhook_url": "https://sms.example/send", "sms_webhook_secret": "s" * 32}
    assert Settings(env="production", secret_key=secrets.token_urlsafe(48), data_key=crypto.new_key(),
                    **gateway).env == "production"
    with pytest.raises(ValidationError, match="WANGGE_SMS=webhook"):
        Settings(env="production", secret_key=secrets.token_urlsafe(48), data_key=crypto.new_key())
    for weak in ("k" * 40, "test-secret-key-" + "x" * 32):
        with pytest.raises(ValueError, match="too weak"):
            Settings(env="production", secret_key=weak, data_key=crypto.new_key())
    with pytest.raises(ValueError, match="32 random bytes"):
        Settings(env="production", secret_key=secrets.token_urlsafe(48), data_key="A" * 43)
