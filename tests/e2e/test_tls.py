"""TLS on both transports (--grpc_tls_*, --rest_tls_*): certificates made here with openssl, used
through tritonclient's ssl options as a user would; mutual TLS refuses clients without a
certificate the configured CA signed."""
import shutil
import subprocess

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from conftest import F32, Server, model_args


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_signed(cwd, name, ca, extensions):
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-subj",
            f"/CN={name}", "-out", f"{name}.csr", cwd=cwd)
    (cwd / f"{name}.ext").write_text(extensions)
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key",
            "-CAcreateserial", "-days", "2", "-out", f"{name}.crt", "-extfile", f"{name}.ext",
            cwd=cwd)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """A CA, a server certificate for localhost/127.0.0.1 and a client certificate, plus a
    second CA that signed nothing the server trusts."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl is missing; scripts/setup installs it")
    cwd = tmp_path_factory.mktemp("certs")
    for ca in ("ca", "other_ca"):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{ca}.key",
                "-subj", f"/CN={ca}", "-days", "2", "-out", f"{ca}.crt", cwd=cwd)
    make_signed(cwd, "server", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                "extendedKeyUsage=serverAuth\n")
    make_signed(cwd, "client", "ca", "extendedKeyUsage=clientAuth\n")
    make_signed(cwd, "stranger", "other_ca", "extendedKeyUsage=clientAuth\n")
    return {name: str(cwd / name) for name in
            ("ca.crt", "server.crt", "server.key", "client.crt", "client.key", "stranger.crt",
             "stranger.key")}


def tls_args(certs, mutual):
    args = []
    for transport in ("grpc", "rest"):
        args += [f"--{transport}_tls_cert", certs["server.crt"],
                 f"--{transport}_tls_key", certs["server.key"]]
        if mutual:
            args += [f"--{transport}_tls_client_ca", certs["ca.crt"]]
    return args


@pytest.fixture(scope="module")
def tls_server(models_dir, log_dir, certs):
    server = Server(model_args("dummy", models_dir, F32, tls_args(certs, False)), log_dir).start()
    yield server
    assert server.stop() == 0


@pytest.fixture(scope="module")
def mtls_server(models_dir, log_dir, certs):
    server = Server(model_args("dummy", models_dir, F32, tls_args(certs, True)), log_dir).start()
    yield server
    assert server.stop() == 0


DATA = np.arange(10, dtype=np.float32).reshape(1, 10)


def infer(client, module):
    infer_input = module.InferInput("b", [1, 10], "FP32")
    infer_input.set_data_from_numpy(DATA)
    return client.infer("dummy", [infer_input]).as_numpy("a")


def test_grpc_over_tls(tls_server, certs):
    assert "Started gRPC server on port %d (TLS)" % tls_server.port in tls_server.log
    client = grpcclient.InferenceServerClient(tls_server.grpc_url, ssl=True,
                                              root_certificates=certs["ca.crt"])
    np.testing.assert_allclose(infer(client, grpcclient), DATA + 1)


def test_grpc_plaintext_client_is_refused(tls_server):
    client = grpcclient.InferenceServerClient(tls_server.grpc_url)
    with pytest.raises(InferenceServerException):
        client.is_server_live(client_timeout=5)


def test_grpc_client_that_does_not_trust_the_ca_is_refused(tls_server, certs):
    client = grpcclient.InferenceServerClient(tls_server.grpc_url, ssl=True,
                                              root_certificates=certs["stranger.crt"])
    with pytest.raises(InferenceServerException):
        client.is_server_live(client_timeout=5)


def test_rest_over_https(tls_server, certs):
    assert "with 2 workers (HTTPS)" in tls_server.log or "workers (HTTPS)" in tls_server.log
    client = httpclient.InferenceServerClient(tls_server.rest_url, ssl=True,
                                              ssl_options={"ca_certs": certs["ca.crt"]})
    assert client.is_server_ready()
    np.testing.assert_allclose(infer(client, httpclient), DATA + 1)


def test_rest_insecure_option_skips_the_host_name_check(tls_server, certs):
    # The certificate names localhost and 127.0.0.1, not this alias.
    client = httpclient.InferenceServerClient(f"127.0.0.2:{tls_server.rest_port}", ssl=True,
                                              ssl_options={"ca_certs": certs["ca.crt"]},
                                              insecure=True)
    assert client.is_server_live()


def test_rest_plain_http_gets_no_answer(tls_server):
    client = httpclient.InferenceServerClient(tls_server.rest_url, connection_timeout=5,
                                              network_timeout=5)
    with pytest.raises(Exception):
        client.is_server_live()


def test_mutual_tls_grpc(mtls_server, certs):
    assert "(mutual TLS)" in mtls_server.log
    good = grpcclient.InferenceServerClient(
        mtls_server.grpc_url, ssl=True, root_certificates=certs["ca.crt"],
        private_key=certs["client.key"], certificate_chain=certs["client.crt"])
    np.testing.assert_allclose(infer(good, grpcclient), DATA + 1)
    for key, chain in ((None, None), (certs["stranger.key"], certs["stranger.crt"])):
        refused = grpcclient.InferenceServerClient(
            mtls_server.grpc_url, ssl=True, root_certificates=certs["ca.crt"],
            private_key=key, certificate_chain=chain)
        with pytest.raises(InferenceServerException):
            refused.is_server_live(client_timeout=5)


def test_mutual_tls_rest(mtls_server, certs):
    good = httpclient.InferenceServerClient(
        mtls_server.rest_url, ssl=True,
        ssl_options={"ca_certs": certs["ca.crt"], "certfile": certs["client.crt"],
                     "keyfile": certs["client.key"]})
    np.testing.assert_allclose(infer(good, httpclient), DATA + 1)
    for options in ({"ca_certs": certs["ca.crt"]},
                    {"ca_certs": certs["ca.crt"], "certfile": certs["stranger.crt"],
                     "keyfile": certs["stranger.key"]}):
        refused = httpclient.InferenceServerClient(mtls_server.rest_url, ssl=True,
                                                   ssl_options=options, network_timeout=5)
        with pytest.raises(Exception):
            refused.is_server_live()


def test_missing_certificate_file_fails_start(models_dir, log_dir, tmp_path):
    server = Server(model_args("dummy", models_dir, F32,
                               ["--rest_tls_cert", tmp_path / "none.crt",
                                "--rest_tls_key", tmp_path / "none.key"]), log_dir)
    with pytest.raises(pytest.fail.Exception, match="Cannot use REST TLS file"):
        server.start(timeout=30, attempts=1)
    assert server.wait() == 1


def test_tls_flag_pairs_are_checked(models_dir):
    from conftest import BINARY
    result = subprocess.run([str(BINARY), "--model_name", "dummy", "--model_path",
                             str(models_dir / "dummy"), "--port", "9", "--grpc_tls_cert", "x"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 64
    assert "grpc_tls_cert and grpc_tls_key must be set together" in result.stderr
