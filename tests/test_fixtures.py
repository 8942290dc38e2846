"""The test fixtures themselves: test databases live where NEETMAP_TEST_PG_ADMIN points."""

from sqlalchemy import make_url

from tests.conftest import database_url_on


def test_test_databases_are_made_on_the_admin_urls_server() -> None:
    url = make_url(database_url_on("postgresql://ci:s3cret@db.internal:6543/postgres", "t1"))
    assert (url.drivername, url.host, url.port) == ("postgresql+psycopg", "db.internal", 6543)
    assert (url.username, url.password, url.database) == ("ci", "s3cret", "t1")


def test_the_default_admin_url_is_the_local_server() -> None:
    url = make_url(database_url_on("postgresql://postgres@127.0.0.1:5432/postgres", "t2"))
    assert str(url) == "postgresql+psycopg://postgres@127.0.0.1:5432/t2"
