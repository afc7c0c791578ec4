import pytest


@pytest.mark.parametrize("url", [
    "/walks/99999999999999999999999",
    "/findings/99999999999999999999999",
    "/walks?district=99999999999999999999999",
    "/findings?date_from=0001-01-01",
    "/reports?period=range&from=0001-01-01&to=9999-12-31",
])
def test_out_of_range_input_is_a_clear_error_not_a_crash(client, login, url):
    login("manager")
    response = client.get(url)
    assert response.status_code in (200, 400, 404)


def test_api_errors_are_json(client, login):
    login("walker")
    response = client.get("/api/v1/walks/99999999999999999999999")
    assert response.status_code in (400, 404)
    assert response.is_json
