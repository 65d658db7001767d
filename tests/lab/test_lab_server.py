"""The lab's server, over plain HTTP: the token, the limits on every request, and clear refusals."""
import json
import socket

import pytest

from chainrule import ConfigError
from chainrule.lab import api, guide_state
from chainrule.lab.server import LabServer
from labhttp import post, refused, request

STATE = guide_state().to_dict()


def test_it_listens_on_127_0_0_1_only_on_a_free_port(server):
    assert server.httpd.server_address[0] == "127.0.0.1" and server.port > 0
    with LabServer() as other:
        assert other.port != server.port and other.token != server.token
    with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{server.port}: .*leave out --port"):
        LabServer(port=server.port)


def test_without_the_token_every_request_gets_403(server):
    for method, path, body in (("GET", "/", None), ("GET", "/static/lab.js", None),
                               ("POST", "/api/compute", {"state": STATE}), ("GET", "/nothing-here", None)):
        status, _, data = request(server, method, path, body, token=None)
        assert status == 403, (method, path)
        assert b"needs the token of the link it printed" in data
    assert request(server, "GET", "/?token=not-the-token", token=None)[0] == 403
    assert request(server, "POST", "/api/compute", {"state": STATE}, token="x" * 32)[0] == 403
    # the token in the link (as the browser first opens it) or in the header (as the page then sends it)
    status, headers, page = request(server, "GET", f"/?token={server.token}", token=None)
    assert status == 200 and headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert f'"token":"{server.token}"'.encode() in page
    assert request(server, "GET", f"/static/lab.js?token={server.token}", token=None)[0] == 200


def test_a_page_on_another_host_name_is_refused(server):
    """A DNS-rebinding page would reach 127.0.0.1 under its own host name: refused even with the token."""
    status, _, data = request(server, "GET", "/", headers={"Host": f"evil.example:{server.port}"})
    assert status == 403 and b"answers requests for 127.0.0.1" in data
    assert request(server, "GET", "/", headers={"Host": f"localhost:{server.port}"})[0] == 200


def test_only_its_own_front_end_files(server):
    for name in ("lab.js", "draw.js", "tables.js", "plots.js", "lab.css"):
        assert request(server, "GET", f"/static/{name}")[0] == 200
    for path in ("/static/../state.py", "/static/index.html", "/static/%2e%2e/server.py", "/etc/passwd",
                 "/static/", "/api/compute"):
        assert request(server, "GET", path)[0] == 404, path
    assert request(server, "PUT", "/api/compute", {"state": STATE})[0] == 405
    assert request(server, "DELETE", "/")[0] == 405


def test_compute_answers_with_every_value(server):
    answer = post(server, "/api/compute", {"state": STATE})
    items = {item["id"]: item for item in answer["items"]}
    assert items["dL/dW2[0,1]"]["line"] == "dL/dW2[0,1] = delta2[0] × a1[1] = -0.1318 × 0.7350 = -0.0968"
    assert answer["state"] == STATE and answer["fragment"].startswith("layers=2,2,1&")
    assert post(server, "/api/compute", {"fragment": answer["fragment"]})["items"] == answer["items"]
    trained = post(server, "/api/train", {"state": STATE, "steps": 3})
    assert len(trained["losses"]) == 3 and trained["state"]["steps"] == 3
    assert trained["losses"][0] == items["loss"]["value"]
    xor = post(server, "/api/reshape", {"state": STATE, "data": "xor"})
    assert xor["state"]["layers"] == [2, 4, 1] and xor["picture"]["kind"] == "boundary"
    page = request(server, "POST", "/api/page", {"state": STATE, "losses": [0.3, 0.2]})
    assert page[0] == 200 and page[1]["Content-Disposition"] == 'attachment; filename="chainrule-lab.html"'
    assert b'"mode":"saved"' in page[2]


@pytest.mark.parametrize("path, body, message", [
    ("/api/compute", {"state": {**STATE, "layers": [2, 2, 2, 2, 2, 2]}}, "state.layers must be a list of 2 to 5"),
    ("/api/compute", {"state": {**STATE, "weights": [[[0.1, 0.3]], [[0.5, 0.6]]]}},
     "state.weights[0] must be a list of 2 row(s) of 2 number(s), got 1 row(s)"),
    ("/api/compute", {"state": {**STATE, "x": [1, "2"]}}, "state.x[1] must be a number, got '2'"),
    ("/api/compute", {"state": {**STATE, "x": [1, True]}}, "state.x[1] must be a number, got True"),
    ("/api/compute", {"state": {**STATE, "learning_rate": -1}}, "state.learning_rate must be in (0, 1000], got -1"),
    ("/api/compute", {"state": {**STATE, "loss": "hinge"}}, "state.loss must be one of mse, cross_entropy, "
                                                            "softmax_cross_entropy, got 'hinge'"),
    ("/api/compute", {"state": {**STATE, "colour": "red"}}, "state has unknown key(s) colour"),
    ("/api/compute", {"state": {k: v for k, v in STATE.items() if k != "x"}}, "state is missing x"),
    ("/api/compute", {"state": STATE, "fragment": ""}, "a compute request gives either state or fragment"),
    ("/api/compute", {"fragment": "layers=2,2,1&act=relu"}, "link.activations must list 2 activation name(s)"),
    ("/api/compute", {"state": "all of it"}, "state must be a JSON object, got 'all of it'"),
    ("/api/train", {"state": STATE, "steps": 0}, "steps must be between 1 and 10000, got 0"),
    ("/api/train", {"state": STATE, "steps": 2.5}, "steps must be a whole number, got 2.5"),
    ("/api/train", {"state": STATE}, "a train request is missing steps"),
    ("/api/reshape", {"state": STATE}, "a reshape request changes layers, data, example, seed or new_weights"),
    ("/api/reshape", {"state": STATE, "layers": [2, 0, 1]}, "layers[1] must be between 1 and 8, got 0"),
    ("/api/reshape", {"state": STATE, "data": "moons"}, "data must be one of xor, circles, spiral, sine, got 'moons'"),
    ("/api/reshape", {"state": STATE, "new_weights": "yes"}, "new_weights must be true or false, got 'yes'"),
    ("/api/page", {"state": STATE, "losses": [0.1, "x"]}, "losses[1] must be a number, got 'x'"),
])
def test_a_bad_request_is_refused_with_a_clear_message(server, path, body, message):
    error = refused(server, path, body)
    assert message in error["message"], error
    assert error["type"] in ("ConfigError", "ShapeError", "InputValueError")


@pytest.mark.parametrize("raw, message", [
    (b"[" * 50 + b"]" * 50, "nested more than 8 levels deep"),
    (b'{"state": {"x": [NaN]}}', "the request holds NaN; every number must be finite"),
    (b'{"state": {"x": [Infinity]}}', "the request holds Infinity"),
    (b'{"state": 1, "state": 2}', "the request gives the key 'state' twice"),
    (b'{"state": ', "the request is not valid JSON"),
    (b"\xff\xfe", "the request is not UTF-8 text"),
    (b"[1, 2]", "the request must be a JSON object, got list"),
])
def test_a_malformed_body_is_refused_before_it_is_used(server, raw, message):
    assert message in refused(server, "/api/compute", raw=raw)["message"]
    with pytest.raises(ConfigError, match=message.split(";")[0].replace("(", r"\(")):
        api.parse_body(raw)


def test_size_limits_come_first(server):
    too_big = b'{"fragment": "' + b"1" * api.MAX_BODY + b'"}'
    error = refused(server, "/api/compute", raw=too_big, status=413)
    assert error["message"] == f"the request is {len(too_big):,} bytes; the lab takes at most {api.MAX_BODY:,}"
    assert "is JSON (Content-Type: application/json), got text/plain" in refused(
        server, "/api/compute", raw=b"{}", status=415, headers={"Content-Type": "text/plain"})["message"]
    # no Content-Length at all: refused without waiting for a body
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(f"POST /api/compute HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nX-Chainrule-Token: "
                    f"{server.token}\r\nContent-Type: application/json\r\n\r\n".encode())
        answer = b""
        while chunk := raw.recv(4096):     # the server closes the connection after a refusal
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 411") and b"needs a Content-Length" in answer


def test_training_is_bounded_per_request(server):
    circles = post(server, "/api/reshape", {"state": STATE, "data": "circles"})["state"]
    error = refused(server, "/api/train", {"state": circles, "steps": 1000})
    assert error["message"] == ("1,000 epochs are 120,000 weight updates; one request makes at most 100,000 "
                                "(ask for at most 833 epochs)")


def test_keep_alive_serves_many_requests_on_one_connection(server):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    body = json.dumps({"state": STATE, "steps": 1})
    headers = {"Content-Type": "application/json", "X-Chainrule-Token": server.token}
    for _ in range(3):
        connection.request("POST", "/api/train", body=body, headers=headers)
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["losses"]
    connection.close()
