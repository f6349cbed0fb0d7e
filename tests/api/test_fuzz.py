"""Property-based fuzzing of the whole OpenAPI schema with schemathesis: no 5xx, answers as the schema says.

Every check runs but positive_data_acceptance: a schema cannot say everything the service checks (a
category code that exists, a latitude within ±90 unless another crs is named, from before to), so a
schema-valid request may rightly get 422; it must still never get a 5xx or an undocumented answer.
The schema is read from an app built at import (schemathesis's pytest fixture loader does not run on
pytest 9); each test points that app at the test session, like the `app` fixture does.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from sqlalchemy import create_engine

from api.deps import get_read_session, get_session
from api.main import create_app

EXAMPLES = 25
# Never connected: every session comes from the override below.
APP = create_app(create_engine("postgresql+psycopg://fuzz@127.0.0.1:9/unused"))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture
def fuzzed_app(session, city):
    def test_session():
        # A savepoint per request: one refused statement must not spoil the examples after it.
        savepoint = session.begin_nested()
        try:
            yield session
            session.flush()
            savepoint.commit()
        except BaseException:
            savepoint.rollback()
            raise

    APP.dependency_overrides[get_session] = test_session
    APP.dependency_overrides[get_read_session] = test_session
    yield APP
    APP.dependency_overrides.clear()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_input_breaks_the_api(case, fuzzed_app, login):
    case.call_and_validate(headers=login("admin"), excluded_checks=[positive_data_acceptance])
