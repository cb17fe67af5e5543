"""Unit tests of stats-service on the shared sample events (libs/event-contracts samples), the
same files the Java contract tests use, and of who may call it (bearer JWTs, the app token) and
how much a caller can hold (body cap, read deadlines, worker pool), on a real server on a free
port. Run: .runtime/python/bin/python -m unittest (from this folder); the test command runs them
through PolyglotConsumerIT."""
import hashlib
import hmac
import http.client
import http.server
import json
import os
import socket
import tempfile
import threading
import time
import unittest
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import app

SAMPLES = Path(__file__).resolve().parent / "../../libs/event-contracts/src/main/resources/samples"


def sample(name):
    return json.loads((SAMPLES / name).read_text())


def task_event_samples():
    index = json.loads((SAMPLES / "index.json").read_text())
    return [name for name, kind in index.items() if kind == "TaskEvent"]


class FakeSidecar:
    def __init__(self, fail=False):
        self.published, self.fail = [], fail

    def publish(self, topic, key, body):
        if self.fail:
            raise OSError("sidecar down")
        self.published.append((topic, key, body))
        return 204


def envelope(data, event_id=None):
    return json.dumps({"specversion": "1.0", "id": event_id or data.get("event_id"), "source": "task-service",
                       "type": "todo.task." + str(data.get("event_type")), "datacontenttype": "application/json",
                       "data": data}).encode()


class ContractTest(unittest.TestCase):
    def test_every_shared_task_event_sample_is_valid(self):
        names = task_event_samples()
        self.assertGreaterEqual(len(names), 3)
        for name in names:
            with self.subTest(sample=name):
                self.assertEqual(app.check_event(sample(name)), "ok")

    def test_a_broken_sample_is_poison_naming_the_field(self):
        data = sample("task-event.created.json")
        del data["task_data"]["title"]
        with self.assertRaises(app.Poison) as e:
            app.check_event(data)
        self.assertIn("title", str(e.exception))
        data = sample("task-event.created.json")
        data["event_id"] = "not-a-uuid"
        with self.assertRaises(app.Poison):
            app.check_event(data)

    def test_another_schema_version_is_skipped(self):
        data = sample("task-event.created.json")
        data["schema_version"] = 99
        self.assertEqual(app.check_event(data), "skipped")


class DeliveryTest(unittest.TestCase):
    def setUp(self):
        self.sidecar = FakeSidecar()
        self.app = app.App(self.sidecar, None)

    def test_each_event_id_counts_once(self):
        data = sample("task-event.created.json")
        for _ in range(2):
            self.assertEqual(self.app.deliver(envelope(data)), (200, {"status": "SUCCESS"}))
        self.assertEqual(self.app.stats.of(data["user_id"]), {"created": 1})
        self.assertEqual(self.app.stats.metrics["duplicate"], 1)

    def test_json_log_lines_carry_the_events_ids(self):
        data = sample("task-event.created.json")
        event = envelope(data)
        parsed = json.loads(event)
        parsed["correlationid"] = "corr-py"
        parsed["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        with self.assertLogs(app.log, level="INFO") as logs:
            self.app.deliver(json.dumps(parsed).encode())
            self.app.deliver(json.dumps(parsed).encode())  # the duplicate's line, too
        lines = [json.loads(app.JsonFormatter().format(r)) for r in logs.records]
        self.assertEqual(len(lines), 2)
        for line in lines:
            self.assertEqual(line["mdc"], {"event_id": parsed["id"], "user_id": data["user_id"],
                                           "correlation_id": "corr-py",
                                           "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
                                           "span_id": "00f067aa0ba902b7"})
            self.assertEqual(line["loggerName"], "stats-service")
        self.assertEqual(app.LOG_CONTEXT.get(), {}, "cleared after the delivery")

    def test_poison_goes_to_the_dlq_with_its_error_and_is_acknowledged(self):
        data = sample("task-event.completed.json")
        data["event_type"] = "exploded"
        self.assertEqual(self.app.deliver(envelope(data)), (200, {"status": "SUCCESS"}))
        topic, key, letter = self.sidecar.published[0]
        self.assertEqual((topic, key), ("task-events-dlq", data["user_id"]))
        self.assertEqual(letter["error_kind"], "poison")
        self.assertEqual(letter["subscriber"], "stats-service")
        self.assertIn("event_type", letter["error"])
        self.assertEqual(letter["original"]["data"]["event_id"], data["event_id"])
        self.assertEqual(self.app.stats.of(data["user_id"]), {})

    def test_garbage_bytes_are_dead_lettered_as_text(self):
        self.assertEqual(self.app.deliver(b"\x00not json"), (200, {"status": "SUCCESS"}))
        letter = self.sidecar.published[0][2]
        self.assertIsNone(letter["original"])
        self.assertIn("not json", letter["original_text"])

    def test_when_the_dlq_cannot_be_written_dapr_is_asked_to_retry(self):
        failing = app.App(FakeSidecar(fail=True), None)
        self.assertEqual(failing.deliver(b"garbage"), (200, {"status": "RETRY"}))


# ---------- who may call, and how much a caller can hold ----------

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ISSUER, AUDIENCE = "todo-events-dev", "todo-events"


def token(sub="alice", key=KEY, lifetime=3600, issued_ago=0, drop=(), **claims):
    """An RS256 token as tools/dev-token.sh mints it; claims override, drop leaves claims out."""
    now = int(time.time()) - issued_ago
    body = {"iss": ISSUER, "sub": sub, "aud": AUDIENCE, "iat": now, "exp": now + lifetime, "jti": "j-1"}
    body.update(claims)
    for name in drop:
        del body[name]
    return jwt.encode(body, key, algorithm="RS256")


def bearer(*args, **kwargs):
    return "Bearer " + token(*args, **kwargs)


def public_pem(key=KEY):
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class AuthTest(unittest.TestCase):
    def setUp(self):
        self.auth = app.Auth(KEY.public_key(), ISSUER, [AUDIENCE])

    def refusal(self, authorization, requested=""):
        with self.assertRaises(app.Refused) as refused:
            self.auth.readable_user(authorization, requested)
        return refused.exception

    def refusal_of(self, auth, authorization):
        with self.assertRaises(app.Refused) as refused:
            auth.user(authorization)
        return refused.exception

    def assertInvalid(self, authorization, because):
        refused = self.refusal(authorization)
        self.assertEqual((refused.status, refused.code), (401, "invalid_token"))
        self.assertIn(because.lower(), refused.message.lower())

    def test_no_bearer_token_is_missing_token(self):
        for header in (None, "", "Bearer ", "Bearer    ", "Basic YWxpY2U6eA==", token()):
            with self.subTest(header=header):
                refused = self.refusal(header)
                self.assertEqual((refused.status, refused.code), (401, "missing_token"))

    def test_a_valid_token_answers_for_its_user(self):
        self.assertEqual(self.auth.readable_user(bearer("alice"), ""), "alice")
        self.assertEqual(self.auth.readable_user(bearer("alice"), "alice"), "alice")
        self.assertEqual(self.auth.readable_user("bearer " + token("alice"), ""), "alice")

    def test_a_token_signed_by_another_key_is_refused(self):
        self.assertInvalid(bearer(key=OTHER_KEY), "Signature verification failed")

    def test_a_token_with_its_signature_changed_is_refused(self):
        head, claims, signature = token().split(".")
        forged_claims = jwt.utils.base64url_encode(json.dumps({"iss": ISSUER, "sub": "bob", "aud": AUDIENCE,
                                                               "iat": int(time.time()), "exp": int(time.time()) + 60}).encode())
        self.assertInvalid("Bearer %s.%s.%s" % (head, forged_claims.decode(), signature), "Signature verification failed")

    def test_unsigned_and_hmac_tokens_are_refused(self):
        claims = {"iss": ISSUER, "sub": "alice", "aud": AUDIENCE, "iat": int(time.time()), "exp": int(time.time()) + 60}
        unsigned = jwt.encode(claims, None, algorithm="none")
        self.assertInvalid("Bearer " + unsigned, "alg")
        # The classic confusion: HS256 keyed with the public key's PEM (PyJWT will not sign that).
        signing_input = b".".join(jwt.utils.base64url_encode(json.dumps(part).encode())
                                  for part in ({"alg": "HS256", "typ": "JWT"}, claims))
        mac = jwt.utils.base64url_encode(hmac.new(public_pem(), signing_input, hashlib.sha256).digest())
        self.assertInvalid("Bearer " + (signing_input + b"." + mac).decode(), "alg")

    def test_the_wrong_issuer_is_refused(self):
        self.assertInvalid(bearer(iss="someone-else"), "issuer")

    def test_the_audience_must_be_ours_as_a_string_or_in_a_list(self):
        self.assertInvalid(bearer(aud="another-system"), "audience")
        self.assertInvalid(bearer(aud=["another-system"]), "audience")
        self.assertEqual(self.auth.readable_user(bearer(aud=["another-system", AUDIENCE]), ""), "alice")

    def test_expiry_with_30_seconds_of_clock_skew(self):
        self.assertEqual(self.auth.readable_user(bearer(lifetime=600, issued_ago=610), ""), "alice")
        self.assertInvalid(bearer(lifetime=600, issued_ago=640), "expired")
        self.assertInvalid(bearer(issued_ago=-120), "not yet valid")

    def test_a_token_may_live_24_hours_at_most(self):
        self.assertEqual(self.auth.readable_user(bearer(lifetime=86400), ""), "alice")
        self.assertInvalid(bearer(lifetime=86401), "longer than 86400")
        self.assertInvalid(bearer(exp=int(time.time()) + 600, iat=str(int(time.time()))), "must be")

    def test_every_required_claim_must_be_there(self):
        for claim in ("iss", "sub", "aud", "exp", "iat"):
            with self.subTest(missing=claim):
                self.assertInvalid(bearer(drop=[claim]), claim)
        self.assertInvalid(bearer(""), "sub")

    def test_the_user_is_the_sub_never_upn_or_preferred_username(self):
        self.assertEqual(self.auth.readable_user(bearer("bob", upn="alice", preferred_username="alice"), ""), "bob")
        refused = self.refusal(bearer("bob", upn="alice", preferred_username="alice"), "alice")
        self.assertEqual((refused.status, refused.code), (403, "forbidden"))

    def test_another_users_stats_need_the_admin_group(self):
        refused = self.refusal(bearer("alice"), "bob")
        self.assertEqual((refused.status, refused.code), (403, "forbidden"))
        self.assertEqual(refused.body()["details"], [{"field": "user_id", "problem": "must be the authenticated user or left out"}])
        for groups in (["todo-user"], "todo-admin", None):
            with self.subTest(groups=groups):
                self.assertEqual(self.refusal(bearer("alice", groups=groups), "bob").status, 403)
        self.assertEqual(self.auth.readable_user(bearer("ops", groups=["todo-admin"]), "bob"), "bob")
        self.assertEqual(self.auth.readable_user(bearer("ops", groups=["todo-admin"]), ""), "ops")

    def test_without_a_public_key_every_token_is_refused(self):
        refused = self.refusal_of(app.Auth(None), bearer())
        self.assertEqual((refused.status, refused.code), (401, "invalid_token"))

    def test_configured_from_the_microprofile_variables(self):
        with tempfile.TemporaryDirectory() as tmp:
            pem = Path(tmp, "public.pem")
            pem.write_bytes(public_pem())
            auth = app.Auth.from_env({"MP_JWT_VERIFY_PUBLICKEY_LOCATION": str(pem)})
            self.assertEqual(auth.user(bearer("alice")), ("alice", False))
            auth = app.Auth.from_env({"MP_JWT_VERIFY_PUBLICKEY_LOCATION": str(pem), "MP_JWT_VERIFY_ISSUER": "corp-idp",
                                      "MP_JWT_VERIFY_AUDIENCES": "stats, todo-api"})
            self.assertEqual(auth.user(bearer("alice", iss="corp-idp", aud="todo-api")), ("alice", False))
            self.assertEqual(self.refusal_of(auth, bearer("alice")).code, "invalid_token")
            for env in ({}, {"MP_JWT_VERIFY_PUBLICKEY_LOCATION": str(Path(tmp, "absent.pem"))}):
                with self.subTest(env=env), self.assertLogs("stats-service", "ERROR"):
                    self.assertEqual(self.refusal_of(app.Auth.from_env(env), bearer()).code, "invalid_token")


class JwksTest(unittest.TestCase):
    """MP_JWT_VERIFY_PUBLICKEY_LOCATION may be an identity provider's JWKS URL (as on k8s/)."""

    def setUp(self):
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
        jwks = json.dumps({"keys": [dict(jwk, kid="k1", use="sig", alg="RS256")]}).encode()

        class Jwks(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(jwks)

            def log_message(self, *args):
                pass

        self.idp = http.server.HTTPServer(("127.0.0.1", 0), Jwks)
        threading.Thread(target=self.idp.serve_forever, daemon=True).start()
        self.addCleanup(self.idp.server_close)
        self.addCleanup(self.idp.shutdown)

    def test_tokens_are_verified_with_the_key_their_kid_names(self):
        auth = app.Auth.from_env({"MP_JWT_VERIFY_PUBLICKEY_LOCATION": "http://127.0.0.1:%d/jwks" % self.idp.server_port})
        signed = lambda kid, key=KEY: "Bearer " + jwt.encode(
            {"iss": ISSUER, "sub": "alice", "aud": AUDIENCE, "iat": int(time.time()), "exp": int(time.time()) + 60},
            key, algorithm="RS256", headers={"kid": kid})
        self.assertEqual(auth.user(signed("k1")), ("alice", False))
        for kid, key in (("k1", OTHER_KEY), ("unknown", KEY)):
            with self.subTest(kid=kid), self.assertRaises(app.Refused) as refused:
                auth.user(signed(kid, key))
            self.assertEqual(refused.exception.code, "invalid_token")


class AppTokenTest(unittest.TestCase):
    def test_the_app_token_is_compared_whole(self):
        a = app.App(FakeSidecar(), "s3cret")
        self.assertTrue(a.from_sidecar("s3cret"))
        for wrong in (None, "", "s3cre", "s3cret ", "S3CRET"):
            with self.subTest(header=wrong):
                self.assertFalse(a.from_sidecar(wrong))

    def test_without_app_api_token_deliveries_are_refused_unless_insecure_is_chosen(self):
        self.assertFalse(app.App(FakeSidecar(), None).from_sidecar(None))
        self.assertFalse(app.App(FakeSidecar(), "").from_sidecar(""))
        self.assertTrue(app.App(FakeSidecar(), None, insecure_no_app_token=True).from_sidecar(None))


class Served:
    """The real server on a free port, serving in a thread; close() stops it."""

    def __init__(self, the_app, workers=4, read_timeout=5.0, deadline=10.0):
        self.server = app.PooledHTTPServer(("127.0.0.1", 0), app.handler_for(the_app, read_timeout, deadline), workers)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            return r.status, r.headers, data
        finally:
            conn.close()

    def raw(self, data, timeout=5):
        """Sends bytes, returns (status, body) of the answer: read until the server closes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split()[1]), json.loads(body)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


class RecordingApp(app.App):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.delivered = []

    def deliver(self, body):
        self.delivered.append(body)
        return super().deliver(body)


class ServerTest(unittest.TestCase):
    TOKEN = "app-token-1"

    def setUp(self):
        self.app = RecordingApp(FakeSidecar(), self.TOKEN, app.Auth(KEY.public_key(), ISSUER, [AUDIENCE]))
        self.served = Served(self.app)
        self.addCleanup(self.served.close)

    def post_head(self, token, length):
        return ("POST /events/task-events HTTP/1.1\r\nHost: x\r\nContent-Type: application/cloudevents+json\r\n"
                "%s%s\r\n" % ("dapr-api-token: %s\r\n" % token if token else "",
                                 "Content-Length: %s\r\n" % length if length is not None else "")).encode()

    def test_stats_need_a_bearer_token_and_answer_for_its_user(self):
        data = sample("task-event.created.json")
        self.app.deliver(envelope(data))
        user = data["user_id"]
        status, headers, body = self.served.request("GET", "/stats")
        self.assertEqual(status, 401)
        self.assertEqual(headers["WWW-Authenticate"], "Bearer")
        self.assertEqual(json.loads(body)["error"], "missing_token")
        status, headers, body = self.served.request("GET", "/stats", headers={"Authorization": bearer(key=OTHER_KEY)})
        self.assertEqual((status, json.loads(body)["error"], headers["WWW-Authenticate"]), (401, "invalid_token", "Bearer"))
        status, _, body = self.served.request("GET", "/stats", headers={"Authorization": bearer(user)})
        self.assertEqual((status, json.loads(body)), (200, {"user_id": user, "events": {"created": 1}}))
        status, _, body = self.served.request("GET", "/stats?user_id=" + user, headers={"Authorization": bearer("mallory")})
        self.assertEqual((status, json.loads(body)["error"]), (403, "forbidden"))
        status, _, body = self.served.request("GET", "/stats?user_id=" + user,
                                              headers={"Authorization": bearer("ops", groups=["todo-admin"])})
        self.assertEqual((status, json.loads(body)["events"]), (200, {"created": 1}))
        metrics = self.served.request("GET", "/q/metrics")[2].decode()
        for reason, n in (("missing_token", 1), ("invalid_token", 1), ("forbidden", 1), ("app_token", 0)):
            self.assertIn('todo_stats_auth_refused_total{reason="%s"} %d' % (reason, n), metrics)

    def test_health_and_metrics_stay_open(self):
        self.assertEqual(self.served.request("GET", "/q/health/live")[0], 200)
        self.assertEqual(self.served.request("GET", "/q/metrics")[0], 200)

    def test_a_delivery_with_the_app_token_is_counted(self):
        event = envelope(sample("task-event.created.json"))
        status, _, body = self.served.request("POST", "/events/task-events", event, {"dapr-api-token": self.TOKEN})
        self.assertEqual((status, json.loads(body)), (200, {"status": "SUCCESS"}))
        self.assertEqual(self.app.delivered, [event])

    def test_the_app_token_is_checked_before_the_body_is_read(self):
        # Only the headers and 10 of 100,000 bytes are sent: a server waiting for the body would
        # answer nothing before the client's timeout.
        for token in (None, "wrong"):
            with self.subTest(token=token):
                status, body = self.served.raw(self.post_head(token, 100_000) + b'{"data": {', timeout=3)
                self.assertEqual((status, body["error"]), (401, "unauthorized"))
        self.assertEqual(self.app.delivered, [])
        self.assertIn('todo_stats_auth_refused_total{reason="app_token"} 2', self.app.metrics_text())

    def test_a_body_over_the_cap_is_refused_unread(self):
        status, body = self.served.raw(self.post_head(self.TOKEN, app.MAX_BODY + 1), timeout=3)
        self.assertEqual((status, body["error"]), (413, "too_large"))
        self.assertEqual(self.app.delivered, [])

    def test_a_delivery_needs_a_content_length(self):
        self.assertEqual(self.served.raw(self.post_head(self.TOKEN, None))[0], 411)
        for bad in ("ten", "-1", "1e3", "\u00b2"):
            with self.subTest(length=bad):
                self.assertEqual(self.served.raw(self.post_head(self.TOKEN, bad))[0], 400)
        self.assertEqual(self.app.delivered, [])

    def test_without_app_api_token_every_delivery_is_refused(self):
        served = Served(RecordingApp(FakeSidecar(), None))
        self.addCleanup(served.close)
        event = envelope(sample("task-event.created.json"))
        self.assertEqual(served.request("POST", "/events/task-events", event)[0], 401)
        insecure = Served(RecordingApp(FakeSidecar(), None, insecure_no_app_token=True))
        self.addCleanup(insecure.close)
        self.assertEqual(insecure.request("POST", "/events/task-events", event)[0], 200)


class SlowClientTest(unittest.TestCase):
    def serve(self, **kwargs):
        served = Served(app.App(FakeSidecar(), "t"), **kwargs)
        self.addCleanup(served.close)
        return served

    def test_a_silent_client_is_disconnected_after_the_read_timeout(self):
        served = self.serve(read_timeout=0.3, deadline=10)
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as s:
            started = time.monotonic()
            self.assertEqual(s.recv(1), b"")
            self.assertLess(time.monotonic() - started, 3)

    def test_a_client_dripping_bytes_is_disconnected_at_the_deadline(self):
        served = self.serve(read_timeout=0.5, deadline=1.0)
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as s:
            started = time.monotonic()
            s.settimeout(0.1)
            closed = False
            for byte in b"GET /q/health/live HTTP/1.0\r\nX-Slow: " + b"a" * 200:
                try:
                    s.send(bytes([byte]))
                    closed = s.recv(1) == b""
                except socket.timeout:
                    continue
                except OSError:
                    closed = True
                if closed:
                    break
            self.assertTrue(closed, "still connected after %.1f s" % (time.monotonic() - started))
            self.assertLess(time.monotonic() - started, 3)

    def test_the_workers_are_a_fixed_pool_and_further_connections_wait(self):
        before = set(threading.enumerate())
        served = self.serve(workers=2, read_timeout=0.5, deadline=5)
        idle = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(6)]
        self.addCleanup(lambda: [s.close() for s in idle])
        time.sleep(0.2)
        workers = [t for t in threading.enumerate() if t.name.startswith("stats-service-http") and t not in before]
        self.assertEqual(len(workers), 2)
        started = time.monotonic()
        status, _, _ = served.request("GET", "/q/health/live")
        waited = time.monotonic() - started
        self.assertEqual(status, 200)
        # Six silent connections ahead of it on two workers: three rounds of the read timeout.
        self.assertGreaterEqual(waited, 1.0)
        workers = [t for t in threading.enumerate() if t.name.startswith("stats-service-http") and t not in before]
        self.assertEqual(len(workers), 2)


if __name__ == "__main__":
    unittest.main()
