"""stats-service: a Python consumer of task-events, on the same contracts as the Java apps.

Its sidecar delivers each TaskEvent (subscriptions/stats-task-events.yaml) as a CloudEvent to
POST /events/task-events. The app validates the event against the very JSON Schemas the Java
apps use (libs/event-contracts/src/main/resources/schemas) and counts it per user and event type:
  - valid, schema_version 1: counted once per event_id (a redelivery is recognised and skipped);
  - another schema_version: logged and skipped (acknowledged, counted as skipped);
  - not a CloudEvent, or schema-invalid: written by the app to task-events-dlq through its sidecar
    with the error (error_kind "poison", as the Java apps' DeadLetter), then acknowledged.

What each endpoint needs:
  - POST /events/task-events: the sidecar's app token (header dapr-api-token == APP_API_TOKEN),
    checked before any of the body is read, else 401. Without APP_API_TOKEN every delivery is
    refused, unless TODO_INSECURE_NO_APP_TOKEN=true (a deliberate, insecure local setting).
    A Content-Length is required (411; 400 when not a number) and at most 1 MiB (413).
  - GET /stats[?user_id=...]: a bearer JWT, verified by the rules every service follows (RS256
    with the PEM public key at MP_JWT_VERIFY_PUBLICKEY_LOCATION, or the JWKS there when it is an
    http(s) URL; no key: every token refused; issuer MP_JWT_VERIFY_ISSUER, audience
    MP_JWT_VERIFY_AUDIENCES; iss, sub, aud, exp and iat required; 30 s clock skew; at most 24 h
    between iat and exp). The user is the token's sub.
    Without user_id it answers for that user; another user's id needs the todo-admin group
    (the groups claim), else 403. 401 {"error": "missing_token"|"invalid_token"} with
    WWW-Authenticate: Bearer; every refusal is counted in todo_stats_auth_refused_total{reason}.
  - /q/health/{live,ready,started} and /q/metrics (Prometheus text): open, as in the Java apps;
    they hold no user's data.
The server is the standard library's, with a fixed pool of worker threads (a full pool makes
new connections wait in the listen backlog), a read timeout and a deadline for each request.

Environment: APP_PORT (8086), APP_HOST (127.0.0.1), DAPR_HTTP_PORT (3500), DAPR_API_TOKEN (sent
to the sidecar), APP_API_TOKEN (required from the sidecar on /events/...), TODO_SCHEMAS_DIR, and
the MP_JWT_VERIFY_* variables above.
"""
import contextvars
import hmac
import io
import json
import logging
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, OrderedDict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jsonschema import Draft7Validator, FormatChecker

HERE = Path(__file__).resolve().parent
SCHEMAS_DIR = Path(os.environ.get("TODO_SCHEMAS_DIR", HERE / "../../libs/event-contracts/src/main/resources/schemas"))
APP_ID = "stats-service"
TOPIC = "task-events"
DLQ = TOPIC + "-dlq"
SCHEMA_VERSION = 1
MAX_BODY = 1024 * 1024
WORKERS = 16
READ_TIMEOUT = 10.0
REQUEST_DEADLINE = 30.0

log = logging.getLogger(APP_ID)

# The ids of the event being handled, for JSON log lines (TODO_LOG_JSON=true): the same "mdc" keys
# as the Java apps' LogContext, so one log query finds an event's lines in every app.
LOG_CONTEXT = contextvars.ContextVar("log_context", default={})


class JsonFormatter(logging.Formatter):
    """One JSON object per line, in the Java apps' shape (quarkus-logging-json): timestamp, level,
    loggerName, message and the event's ids under "mdc"."""

    def format(self, record):
        at = datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
        line = {"timestamp": at.replace("+00:00", "Z"),
                "level": {"WARNING": "WARN", "CRITICAL": "FATAL"}.get(record.levelname, record.levelname), "loggerName": record.name, "message": record.getMessage(),
                "mdc": getattr(record, "mdc", {})}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line)


class LogContextFilter(logging.Filter):
    """Stamps each record with the ids in LOG_CONTEXT when it is logged (formatting may come later)."""

    def filter(self, record):
        record.mdc = LOG_CONTEXT.get()
        return True


log.addFilter(LogContextFilter())


def log_context(envelope, data):
    """The "mdc" of a delivered event: its ids, the correlation and the W3C trace and span ids."""
    ids = {"event_id": envelope.get("id") or data.get("event_id"), "user_id": data.get("user_id"),
           "correlation_id": envelope.get("correlationid")}
    parts = str(envelope.get("traceparent") or "").split("-")
    if len(parts) == 4:
        ids["trace_id"], ids["span_id"] = parts[1], parts[2]
    return {k: v for k, v in ids.items() if isinstance(v, str) and v}


def load_validator(name):
    schema = json.loads((SCHEMAS_DIR / name).read_text())
    return Draft7Validator(schema, format_checker=FormatChecker())


TASK_EVENT = load_validator("task-event.v1.schema.json")


class Poison(Exception):
    """An event no retry can fix: it goes to the DLQ at once."""


def check_event(data):
    """Returns "ok" or "skipped" (another schema_version); raises Poison when invalid."""
    if not isinstance(data, dict):
        raise Poison("event data is not a JSON object")
    if data.get("schema_version") != SCHEMA_VERSION:
        return "skipped"
    errors = sorted(TASK_EVENT.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise Poison("schema violation at %s: %s" % (where, first.message))
    return "ok"


class Stats:
    """Counts per user and event type, each event_id once (the last 10,000 remembered)."""

    def __init__(self, remember=10_000):
        self.lock = threading.Lock()
        self.by_user = {}
        self.seen = OrderedDict()
        self.remember = remember
        self.metrics = {"valid": 0, "duplicate": 0, "skipped": 0, "invalid": 0, "deadletter_failed": 0}

    def count(self, metric):
        with self.lock:
            self.metrics[metric] += 1

    def add(self, event):
        with self.lock:
            if event["event_id"] in self.seen:
                self.metrics["duplicate"] += 1
                return False
            self.seen[event["event_id"]] = True
            if len(self.seen) > self.remember:
                self.seen.popitem(last=False)
            per_type = self.by_user.setdefault(event["user_id"], {})
            per_type[event["event_type"]] = per_type.get(event["event_type"], 0) + 1
            self.metrics["valid"] += 1
            return True

    def of(self, user_id):
        with self.lock:
            return dict(self.by_user.get(user_id, {}))


class Sidecar:
    def __init__(self, port, token):
        self.base = "http://127.0.0.1:%s" % port
        self.token = token

    def publish(self, topic, key, body):
        url = "%s/v1.0/publish/pubsub/%s?metadata.partitionKey=%s" % (self.base, topic, urllib.parse.quote(key))
        req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        if self.token:
            req.add_header("dapr-api-token", self.token)
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status

    def outbound_ok(self):
        try:
            with urllib.request.urlopen(self.base + "/v1.0/healthz/outbound", timeout=2) as r:
                return 200 <= r.status < 300
        except (urllib.error.URLError, OSError):
            return False


class Refused(Exception):
    """A request the caller may not make: answered with status and the services' JSON error shape."""

    def __init__(self, status, code, message, details=None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details

    def body(self):
        body = {"error": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class Auth:
    """Bearer JWTs by the rules every service follows (the Java apps' mp.jwt settings)."""

    ADMIN = "todo-admin"
    LEEWAY = 30
    MAX_LIFETIME = 86400
    REQUIRED = ["iss", "sub", "aud", "exp", "iat"]

    def __init__(self, public_key, issuer="todo-events-dev", audiences=("todo-events",)):
        """public_key: an RSA public key, a PyJWKClient (keys by the token's kid), or None (refuse all)."""
        self.key, self.issuer, self.audiences = public_key, issuer, list(audiences)

    @classmethod
    def from_env(cls, env=os.environ):
        issuer = env.get("MP_JWT_VERIFY_ISSUER") or "todo-events-dev"
        # MicroProfile JWT reads a comma-separated list; a token naming any of them is for us.
        audiences = [a.strip() for a in (env.get("MP_JWT_VERIFY_AUDIENCES") or "todo-events").split(",") if a.strip()]
        location = env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION")
        key = None
        if not location:
            log.error("MP_JWT_VERIFY_PUBLICKEY_LOCATION is not set: every bearer token is refused")
        elif location.startswith(("https://", "http://")):
            # An identity provider's JWKS, as the Java apps accept too (k8s/ points them at one).
            key = jwt.PyJWKClient(location, timeout=5)
        else:
            try:
                key = load_pem_public_key(Path(location.removeprefix("file:")).read_bytes())
                if not isinstance(key, RSAPublicKey):
                    raise ValueError("not an RSA public key")
            except (OSError, ValueError) as e:
                key = None
                log.error("no usable public key at %s (%s): every bearer token is refused", location, e)
        return cls(key, issuer, audiences)

    def user(self, authorization):
        """The verified token's (user, is_admin); raises Refused (401) otherwise."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused(401, "missing_token", "a bearer token is required (Authorization: Bearer <jwt>)")
        if self.key is None:
            raise Refused(401, "invalid_token", "this service has no public key to verify bearer tokens with")
        try:
            key = self.key.get_signing_key_from_jwt(token.strip()).key if isinstance(self.key, jwt.PyJWKClient) else self.key
            claims = jwt.decode(token.strip(), key, algorithms=["RS256"], issuer=self.issuer,
                                audience=self.audiences, leeway=self.LEEWAY, options={"require": self.REQUIRED})
        except jwt.PyJWTError as e:
            raise Refused(401, "invalid_token", "the bearer token is not valid: %s" % e)
        issued, expires, sub = claims["iat"], claims["exp"], claims["sub"]
        # PyJWT also takes numeric strings; the lifetime rule needs real NumericDates.
        if not all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in (issued, expires)):
            raise Refused(401, "invalid_token", "the bearer token is not valid: iat and exp must be numbers")
        if expires - issued > self.MAX_LIFETIME:
            raise Refused(401, "invalid_token", "the bearer token is not valid: it lives longer than %d s (exp - iat)"
                          % self.MAX_LIFETIME)
        if not sub:
            raise Refused(401, "invalid_token", "the bearer token is not valid: its sub is empty")
        groups = claims.get("groups")
        return sub, isinstance(groups, list) and self.ADMIN in groups

    def readable_user(self, authorization, requested):
        """Whose stats the caller may read: their own (requested blank or theirs), anyone's for an admin."""
        me, admin = self.user(authorization)
        if not requested or requested == me:
            return me
        if admin:
            return requested
        raise Refused(403, "forbidden",
                      "user_id '%s' is not the user of the bearer token; reading another user's data needs the %s role"
                      % (requested, self.ADMIN),
                      [{"field": "user_id", "problem": "must be the authenticated user or left out"}])


def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class App:
    REFUSAL_REASONS = ("missing_token", "invalid_token", "forbidden", "app_token")

    def __init__(self, sidecar, app_token, auth=None, insecure_no_app_token=False):
        self.sidecar = sidecar
        self.app_token = app_token.encode() if app_token else None
        self.insecure_no_app_token = insecure_no_app_token
        self.auth = auth or Auth(None)
        self.stats = Stats()
        self.refusals = Counter()

    def from_sidecar(self, token_header):
        """Whether a request carries the app token (which only our sidecar has)."""
        if self.app_token is None:
            return self.insecure_no_app_token
        # In constant time, so the answer's timing tells nothing about the token.
        # http.server decodes headers as latin-1: encoding back gives the bytes the sidecar sent.
        return token_header is not None and hmac.compare_digest(token_header.encode("latin-1"), self.app_token)

    def refused(self, reason):
        with self.stats.lock:
            self.refusals[reason] += 1

    def deliver(self, body):
        """One delivery from the sidecar: (http status, answer) for Dapr."""
        event_id, key = None, "unknown"
        try:
            try:
                envelope = json.loads(body)
            except ValueError:
                raise Poison("not JSON: not a CloudEvent")
            if not isinstance(envelope, dict) or "data" not in envelope:
                raise Poison("not a CloudEvent: no data")
            data = envelope["data"]
            if isinstance(data, dict):
                LOG_CONTEXT.set(log_context(envelope, data))
            event_id = envelope.get("id") or (data.get("event_id") if isinstance(data, dict) else None)
            key = (data.get("user_id") if isinstance(data, dict) else None) or event_id or "unknown"
            if check_event(data) == "skipped":
                self.stats.count("skipped")
                log.warning("skipped event_id=%s: unknown schema_version=%s (this consumer reads %d)",
                            event_id, data.get("schema_version"), SCHEMA_VERSION)
                return 200, {"status": "SUCCESS"}
            if self.stats.add(data):
                log.info("counted event_id=%s type=%s user_id=%s", data["event_id"], data["event_type"], data["user_id"])
            else:
                log.info("duplicate event_id=%s acknowledged, counted before", data["event_id"])
            return 200, {"status": "SUCCESS"}
        except Poison as poison:
            self.stats.count("invalid")
            return self.dead_letter(body, event_id, key, str(poison))
        finally:
            LOG_CONTEXT.set({})  # the worker thread serves other requests next

    def dead_letter(self, body, event_id, key, error):
        try:
            original = json.loads(body)
            original_text = None
        except ValueError:
            original, original_text = None, body.decode("utf-8", "replace")
        letter = {"event_id": event_id, "source_topic": TOPIC, "subscriber": APP_ID, "error": error,
                  "error_kind": "poison", "exception": "Poison", "attempts": 1,
                  "first_failed_at": now(), "failed_at": now(), "original": original, "original_text": original_text}
        try:
            self.sidecar.publish(DLQ, key, letter)
        except (urllib.error.URLError, OSError) as e:
            self.stats.count("deadletter_failed")
            log.error("could not dead-letter event_id=%s (%s), asking Dapr to retry: %s", event_id, error, e)
            return 200, {"status": "RETRY"}  # Dapr's deadLetterTopic is underneath
        log.warning("dead-lettered event_id=%s topic=%s dlq=%s kind=poison reason=%s", event_id, TOPIC, DLQ, error)
        return 200, {"status": "SUCCESS"}

    def metrics_text(self):
        with self.stats.lock:
            m, refusals = dict(self.stats.metrics), Counter(self.refusals)
        lines = ["# TYPE todo_stats_events_total counter"]
        for outcome in ("valid", "duplicate", "skipped", "invalid"):
            lines.append('todo_stats_events_total{outcome="%s"} %d' % (outcome, m[outcome]))
        lines += ["# TYPE todo_stats_deadletter_failures_total counter",
                  "todo_stats_deadletter_failures_total %d" % m["deadletter_failed"],
                  "# TYPE todo_stats_auth_refused_total counter"]
        for reason in self.REFUSAL_REASONS:
            lines.append('todo_stats_auth_refused_total{reason="%s"} %d' % (reason, refusals[reason]))
        return "\n".join(lines) + "\n"


class DeadlineReader(io.RawIOBase):
    """A connection's input with a timeout on each read and a deadline for the whole request, so a
    client that sends a byte now and then cannot hold a worker either."""

    def __init__(self, sock, read_timeout, deadline):
        self.sock, self.read_timeout, self.deadline = sock, read_timeout, time.monotonic() + deadline

    def readable(self):
        return True

    def readinto(self, buffer):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request not received within its deadline")
        self.sock.settimeout(min(self.read_timeout, left))
        return self.sock.recv_into(buffer)


def handler_for(app, read_timeout=READ_TIMEOUT, deadline=REQUEST_DEADLINE):
    class Handler(BaseHTTPRequestHandler):
        timeout = read_timeout

        def setup(self):
            super().setup()
            self.rfile.close()  # the plain reader, replaced by one with a deadline
            self.rfile = io.BufferedReader(DeadlineReader(self.connection, read_timeout, deadline))

        def log_message(self, fmt, *args):
            log.debug("%s " + fmt, self.address_string(), *args)

        def answer(self, status, body, content_type="application/json", headers=()):
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def refuse_unread(self, status, code, message):
            """Answers without reading the body; what the client still sends is discarded for a
            moment, because closing on unread input resets the connection and the client would
            see the reset instead of this answer."""
            self.answer(status, {"error": code, "message": message})
            self.close_connection = True
            self.wfile.flush()
            until, discarded = time.monotonic() + 1.0, 0
            try:
                self.connection.shutdown(socket.SHUT_WR)
                while discarded < 64 * 1024 and time.monotonic() < until:
                    self.connection.settimeout(max(0.01, until - time.monotonic()))
                    chunk = self.connection.recv(16 * 1024)
                    if not chunk:
                        break
                    discarded += len(chunk)
            except OSError:
                pass

        def do_POST(self):
            path = urllib.parse.urlparse(self.path).path
            if path != "/events/task-events":
                return self.refuse_unread(404, "not_found", "no such endpoint: " + path)
            if not app.from_sidecar(self.headers.get("dapr-api-token")):
                app.refused("app_token")
                return self.refuse_unread(401, "unauthorized", "event deliveries come from the sidecar only")
            if "Transfer-Encoding" in self.headers or "Content-Length" not in self.headers:
                return self.refuse_unread(411, "length_required", "a Content-Length is required")
            lengths = self.headers.get_all("Content-Length")
            length = lengths[0].strip()
            if len(lengths) > 1 or not (length.isascii() and length.isdigit()):
                return self.refuse_unread(400, "bad_request", "Content-Length is not a number of bytes")
            if int(length) > MAX_BODY:
                return self.refuse_unread(413, "too_large", "an event may have at most %d bytes" % MAX_BODY)
            body = self.rfile.read(int(length))
            if len(body) < int(length):
                self.close_connection = True
                return  # the client went away: nobody to answer
            status, answer = app.deliver(body)
            self.answer(status, answer)

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            if url.path == "/stats":
                requested = urllib.parse.parse_qs(url.query).get("user_id", [""])[0]
                try:
                    user = app.auth.readable_user(self.headers.get("Authorization"), requested)
                except Refused as refused:
                    app.refused(refused.code)
                    log.info("refused GET /stats: %s (%s)", refused.code, refused.message)
                    return self.answer(refused.status, refused.body(),
                                       headers=[("WWW-Authenticate", "Bearer")] if refused.status == 401 else ())
                return self.answer(200, {"user_id": user, "events": app.stats.of(user)})
            if url.path in ("/q/health/live", "/q/health/started"):
                return self.answer(200, {"status": "UP"})
            if url.path == "/q/health/ready":
                ok = app.sidecar.outbound_ok()
                return self.answer(200 if ok else 503, {"status": "UP" if ok else "DOWN",
                                                        "checks": [{"name": "dapr-sidecar", "status": "UP" if ok else "DOWN"}]})
            if url.path == "/q/metrics":
                return self.answer(200, app.metrics_text(), "text/plain; version=0.0.4")
            self.answer(404, {"error": "not_found", "message": "no such endpoint: " + url.path})

    return Handler


class PooledHTTPServer(HTTPServer):
    """HTTPServer with a fixed pool of worker threads instead of a thread per connection. When
    every worker is busy the accepting thread waits, so new connections wait in the listen
    backlog (request_queue_size) and past that the kernel refuses them: no unbounded threads."""

    request_queue_size = 64

    def __init__(self, address, handler, workers=WORKERS):
        super().__init__(address, handler)
        self.free = threading.BoundedSemaphore(workers)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=APP_ID + "-http")

    def process_request(self, request, client_address):
        self.free.acquire()
        try:
            self.pool.submit(self.work, request, client_address)
        except RuntimeError:  # the pool was shut down
            self.free.release()
            self.shutdown_request(request)

    def work(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self.free.release()

    def server_close(self):
        super().server_close()
        self.pool.shutdown(wait=True)


def main():
    if os.environ.get("TODO_LOG_JSON", "").lower() == "true":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logging.basicConfig(level=logging.INFO, handlers=[handler])
    else:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-5s [" + APP_ID + "] %(message)s")
    port = int(os.environ.get("APP_PORT", "8086"))
    app_token = os.environ.get("APP_API_TOKEN")
    insecure = os.environ.get("TODO_INSECURE_NO_APP_TOKEN", "").lower() == "true"
    if not app_token:
        log.warning("APP_API_TOKEN is not set: %s", "event deliveries are accepted from anyone (TODO_INSECURE_NO_APP_TOKEN=true)"
                    if insecure else "every event delivery is refused (401); set it to the token the sidecar sends")
    app = App(Sidecar(os.environ.get("DAPR_HTTP_PORT", "3500"), os.environ.get("DAPR_API_TOKEN")),
              app_token, Auth.from_env(), insecure)
    host = os.environ.get("APP_HOST", "127.0.0.1")
    server = PooledHTTPServer((host, port), handler_for(app))
    log.info("stats-service listening on http://%s:%d (schemas: %s)", host, port, SCHEMAS_DIR)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
