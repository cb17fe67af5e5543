"""stats-service: a Python consumer of task-events, on the same contracts as the Java apps.

Its sidecar delivers each TaskEvent (subscriptions/stats-task-events.yaml) as a CloudEvent to
POST /events/task-events. The app validates the event against the very JSON Schemas the Java
apps use (libs/event-contracts/src/main/resources/schemas) and counts it per user and event type:
  - valid, schema_version 1: counted once per event_id (a redelivery is recognised and skipped);
  - another schema_version: logged and skipped (acknowledged, counted as skipped);
  - not a CloudEvent, or schema-invalid: written by the app to task-events-dlq through its sidecar
    with the error (error_kind "poison", as the Java apps' DeadLetter), then acknowledged.
GET /stats?user_id=... answers the counts; /q/health/{live,ready,started} and /q/metrics
(Prometheus text) as the Java apps. Standard library HTTP server; jsonschema for validation.

Environment: APP_PORT (8086), DAPR_HTTP_PORT (3500), DAPR_API_TOKEN (sent to the sidecar),
APP_API_TOKEN (required from the sidecar on /events/...), TODO_SCHEMAS_DIR.
"""
import json
import logging
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

HERE = Path(__file__).resolve().parent
SCHEMAS_DIR = Path(os.environ.get("TODO_SCHEMAS_DIR", HERE / "../../libs/event-contracts/src/main/resources/schemas"))
APP_ID = "stats-service"
TOPIC = "task-events"
DLQ = TOPIC + "-dlq"
SCHEMA_VERSION = 1

log = logging.getLogger(APP_ID)


def load_validator(name):
    schema = json.loads((SCHEMAS_DIR / name).read_text())
    return Draft202012Validator(schema, format_checker=FormatChecker())


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


def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class App:
    def __init__(self, sidecar, app_token):
        self.sidecar = sidecar
        self.app_token = app_token
        self.stats = Stats()

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
            m = dict(self.stats.metrics)
        lines = ["# TYPE todo_stats_events_total counter"]
        for outcome in ("valid", "duplicate", "skipped", "invalid"):
            lines.append('todo_stats_events_total{outcome="%s"} %d' % (outcome, m[outcome]))
        lines += ["# TYPE todo_stats_deadletter_failures_total counter",
                  "todo_stats_deadletter_failures_total %d" % m["deadletter_failed"]]
        return "\n".join(lines) + "\n"


def handler_for(app):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            log.debug("%s " + fmt, self.address_string(), *args)

        def answer(self, status, body, content_type="application/json"):
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            path = urllib.parse.urlparse(self.path).path
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if path != "/events/task-events":
                return self.answer(404, {"error": "not_found", "message": "no such endpoint: " + path})
            if app.app_token and self.headers.get("dapr-api-token") != app.app_token:
                return self.answer(401, {"error": "unauthorized", "message": "event deliveries come from the sidecar only"})
            status, answer = app.deliver(body)
            self.answer(status, answer)

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            if url.path == "/stats":
                user = urllib.parse.parse_qs(url.query).get("user_id", [""])[0]
                if not user:
                    return self.answer(400, {"error": "validation_failed", "message": "query parameter user_id is required"})
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


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-5s [" + APP_ID + "] %(message)s")
    port = int(os.environ.get("APP_PORT", "8086"))
    app = App(Sidecar(os.environ.get("DAPR_HTTP_PORT", "3500"), os.environ.get("DAPR_API_TOKEN")),
              os.environ.get("APP_API_TOKEN"))
    host = os.environ.get("APP_HOST", "127.0.0.1")
    server = ThreadingHTTPServer((host, port), handler_for(app))
    log.info("stats-service listening on http://%s:%d (schemas: %s)", host, port, SCHEMAS_DIR)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
