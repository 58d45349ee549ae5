"""REST transport limits (REFERENCE.md §9.1) on a server started with small ones: body (413),
header (431), JSON depth (400), idle and stalled connections; each answer names its flag, and
the server keeps answering other clients throughout."""
import gzip
import json
import socket
import time
import zlib

import pytest
import requests

from conftest import F32, model_args, running_server

MAX_BODY = 65536
MAX_HEADER = 2048
MAX_DEPTH = 10
IDLE_S = 2


@pytest.fixture(scope="module")
def limited_server(models_dir, log_dir):
    extra = ["--rest_max_body_bytes", MAX_BODY, "--rest_max_header_bytes", MAX_HEADER,
             "--rest_max_json_depth", MAX_DEPTH, "--rest_idle_timeout_seconds", IDLE_S]
    with running_server(model_args("dummy", models_dir, F32, extra), log_dir) as server:
        yield server


def infer_url(server):
    return f"http://{server.rest_url}/v2/models/dummy/infer"


def dummy_body(pad=0):
    """A valid dummy request, padded with whitespace to make it longer."""
    body = json.dumps({"inputs": [{"name": "b", "shape": [1, 10], "datatype": "FP32",
                                   "data": list(range(10))}]})
    return body + " " * pad


def connect(server):
    sock = socket.create_connection(("127.0.0.1", server.rest_port), timeout=IDLE_S + 5)
    return sock


def read_reply(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def assert_serving(server):
    assert requests.post(infer_url(server), data=dummy_body(), timeout=10).status_code == 200


def test_body_at_the_limit_is_served(limited_server):
    body = dummy_body()
    response = requests.post(infer_url(limited_server), data=dummy_body(MAX_BODY - len(body)))
    assert response.status_code == 200, response.text


def test_body_over_the_limit_is_413_before_it_is_sent(limited_server):
    with connect(limited_server) as sock:
        sock.sendall(b"POST /v2/models/dummy/infer HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Length: %d\r\n\r\n" % (MAX_BODY + 1))
        reply = read_reply(sock)
    assert reply.startswith(b"HTTP/1.1 413")
    assert b"--rest_max_body_bytes" in reply
    assert_serving(limited_server)


def test_body_over_the_limit_sent_in_full_still_gets_413(limited_server):
    response = requests.post(infer_url(limited_server), data=b" " * (2 * MAX_BODY))
    assert response.status_code == 413
    assert "--rest_max_body_bytes" in response.json()["error"]


def test_compressed_body_is_bounded_after_decompression(limited_server):
    """A zip bomb: 32 MiB of zeros is ~32 KiB of gzip; the limit applies to what it inflates to,
    so it is refused while inflating, never allocated."""
    body = dummy_body()
    fits = gzip.compress(dummy_body(MAX_BODY - len(body)).encode())
    response = requests.post(infer_url(limited_server), data=fits,
                             headers={"Content-Encoding": "gzip"})
    assert response.status_code == 200, response.text
    one_past = gzip.compress(dummy_body(MAX_BODY - len(body) + 1).encode())
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    compressed = b"".join(bomb.compress(zeros) for _ in range(32)) + bomb.flush()
    assert len(compressed) < MAX_BODY  # passes the transport's limit as sent
    for data in (one_past, compressed):
        response = requests.post(infer_url(limited_server), data=data,
                                 headers={"Content-Encoding": "gzip"})
        assert response.status_code == 413
        assert response.json()["error"] == (
            f"Request body is larger than allowed - limit {MAX_BODY} bytes after "
            "decompression, set by --rest_max_body_bytes")
    assert_serving(limited_server)


def test_header_over_the_limit_is_431(limited_server):
    response = requests.get(f"http://{limited_server.rest_url}/v2",
                            headers={"X-Padding": "x" * MAX_HEADER})
    assert response.status_code == 431
    assert "--rest_max_header_bytes" in response.json()["error"]
    assert_serving(limited_server)


def test_json_depth_over_the_limit_is_400(limited_server):
    deep = '{"inputs":' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    response = requests.post(infer_url(limited_server), data=deep)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "JSON nesting depth exceeds the allowed limit - "
        f"limit {MAX_DEPTH} levels, set by --rest_max_json_depth")


def test_idle_connection_is_closed(limited_server):
    with connect(limited_server) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""  # closed by the server, not by our timeout
        assert IDLE_S - 0.5 <= time.monotonic() - started <= IDLE_S + 3


def test_trickling_header_is_cut_off_while_others_are_served(limited_server):
    with connect(limited_server) as slow:
        slow.sendall(b"GET /v2 HTTP/1.1\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < IDLE_S + 3:
            assert_serving(limited_server)
            try:
                slow.sendall(b"X")
            except OSError:
                closed = True
                break
            time.sleep(0.3)
        if not closed:
            slow.settimeout(2)
            closed = slow.recv(1) == b""
        assert closed


def test_many_idle_connections_do_not_block_others(limited_server):
    idle = [connect(limited_server) for _ in range(50)]
    try:
        for _ in range(5):
            assert_serving(limited_server)
    finally:
        for sock in idle:
            sock.close()


def test_one_million_chunks_do_not_crash_the_server(limited_server):
    """Tiny chunks: parsed iteratively, stopped by the body limit (REFERENCE.md §9.2)."""
    with connect(limited_server) as sock:
        sock.sendall(b"POST /v2/models/dummy/infer HTTP/1.1\r\nHost: x\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        try:
            for _ in range(100):
                sock.sendall(b"1\r\n \r\n" * 10000)
        except OSError:
            pass  # the server answered 413 and closed while we were sending
        reply = read_reply(sock)
    assert reply.startswith(b"HTTP/1.1 413") or reply == b""
    assert_serving(limited_server)
