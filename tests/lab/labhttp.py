"""Plain-HTTP helpers for the lab's tests: one request to a running LabServer."""
import http.client
import json


def request(server, method, path, body=None, token=True, headers=None, raw=None):
    """``(status, headers, data)`` of one request; ``body`` is sent as JSON, ``raw`` as given."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    sent = {"Content-Type": "application/json"} if (body is not None or raw is not None) else {}
    if token is True:
        sent["X-Chainrule-Token"] = server.token
    elif token:
        sent["X-Chainrule-Token"] = token
    sent.update(headers or {})
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def post(server, path, body, **kwargs):
    """The JSON answer of a POST that must succeed."""
    status, _, data = request(server, "POST", path, body, **kwargs)
    assert status == 200, data.decode()
    return json.loads(data)


def refused(server, path, body=None, status=400, **kwargs):
    """The error message of a request the lab must refuse with ``status``."""
    got, _, data = request(server, "POST", path, body, **kwargs)
    assert got == status, data.decode()
    return json.loads(data)["error"]
