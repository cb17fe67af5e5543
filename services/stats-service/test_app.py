"""Unit tests of stats-service on the shared sample events (libs/event-contracts samples), the
same files the Java contract tests use. Run: .runtime/python/bin/python -m unittest (from this
folder); the test command runs them through PolyglotConsumerIT."""
import json
import unittest
from pathlib import Path

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


if __name__ == "__main__":
    unittest.main()
