import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
MARKET_JSON = REPO / "examples" / "market.json"


def pytest_configure(config):
    config.addinivalue_line("markers", "dask: scale-out over a local Dask cluster (1M positions; run by CI)")


@pytest.fixture(scope="session")
def market_text():
    return MARKET_JSON.read_text()


@pytest.fixture
def market(market_text):
    import libhedge
    with libhedge.Market.read_json(market_text, "market.json") as m:
        yield m
