"""Tests of assay_client against a real `assay serve` (built in build/), Debian's python3 only.

    python3 -m unittest discover -s clients/python      # ASSAY_BINARY=… to use another binary
"""

import json
import os
import re
import subprocess
import tempfile
import unittest

from assay_client import AssayError, Client

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ASSAY = os.environ.get("ASSAY_BINARY", os.path.join(ROOT, "build", "assay"))
TEMPLATE = [{"type": "markdown", "source": "prompt"}, {"type": "responses", "source": "responses"},
            {"type": "pairwise", "name": "preference"}]


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        db = "sqlite:" + os.path.join(cls.dir.name, "t.db")
        cls.token = subprocess.run([ASSAY, "token", "create", "--db", db, "--email", "m@x.org", "--role", "manager"],
                                   check=True, capture_output=True, text=True).stdout.strip()
        cls.server = subprocess.Popen([ASSAY, "serve", "--db", db, "--port", "0", "--web", "/nonexistent", "--log-level", "off",
                                       "--check-contract", "answer"],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        port = None
        for line in cls.server.stdout:  # the server says where it listens, then we stop reading
            m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
            if m:
                port = int(m.group(1))
                break
        assert port, "assay serve did not start"
        cls.client = Client(f"http://127.0.0.1:{port}", cls.token)

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=30)
        cls.server.stdout.close()
        cls.dir.cleanup()

    def new_project(self, name):
        return self.client._json("POST", "/projects", {"name": name, "template": TEMPLATE, "overlap": 1})["id"]

    def test_lists_projects_and_imports_csv_with_a_mapping(self):
        pid = self.new_project("Python CSV")
        self.assertIn(pid, [p["id"] for p in self.client.projects()])
        path = os.path.join(self.dir.name, "items.csv")
        with open(path, "w", newline="") as f:
            f.write('key,question,a,b\nq1,"Two, plus two?",4,5\nq2,only two\nq3,Three?,x,y\n')
        r = self.client.import_items(pid, path, format="csv",
                                     mapping={"key": "id", "question": "prompt", "a": "responses.0.content", "b": "responses.1.content"})
        self.assertEqual(r["imported"], 2)
        self.assertEqual([e["line"] for e in r["errors"]], [3])
        rows = self.client.export(pid, format="csv")
        self.assertEqual([row["external_id"] for row in rows], ["q1", "q3"])
        self.assertEqual(json.loads(rows[0]["data"])["prompt"], "Two, plus two?")
        lines = self.client.export(pid)  # jsonl
        self.assertEqual(lines[1]["data"]["responses"][0]["content"], "x")
        manifests = self.client.exports(pid)
        self.assertEqual([m["format"] for m in manifests], ["jsonl", "csv"])  # newest first
        self.assertEqual(manifests[1]["counts"]["items"], 2)

    def test_label_studio_tasks_round_trip(self):
        pid = self.new_project("Python LS")
        tasks = [{"id": 1, "data": {"prompt": "Hi", "responses": [{"content": "Hello"}, {"content": "Go away"}]},
                  "predictions": [{"model_version": "v2", "score": 0.8, "result": []}]}]
        r = self.client.import_items(pid, json.dumps(tasks), format="labelstudio")
        self.assertEqual((r["imported"], r["prior_labels"]), (1, 1))
        out = self.client.export(pid, format="labelstudio")
        self.assertEqual(out[0]["data"], tasks[0]["data"])
        self.assertEqual(out[0]["meta"]["external_id"], "1")
        again = self.client.import_items(self.new_project("Python LS copy"), json.dumps(out).encode(), format="labelstudio")
        self.assertEqual(again["imported"], 1)

    def test_refusals_are_errors_with_the_servers_words(self):
        with self.assertRaises(AssayError) as e:
            self.client.export("no-such-project", format="dpo")
        self.assertEqual(e.exception.status, 404)
        self.assertEqual(e.exception.code, "not_found")
        with self.assertRaises(ValueError):
            self.client.export("x", format="parquet")
        with self.assertRaises(AssayError) as bad:
            self.client.import_items(self.new_project("Python bad"), "a,b\n1,2\n", format="csv", mapping={"nope": "prompt"})
        self.assertEqual(bad.exception.details.get("field"), "mapping")

    def test_dataframe_when_pandas_is_there(self):
        pid = self.new_project("Python DF")
        self.client.import_items(pid, '{"id":"d1","data":{"prompt":"p","responses":["x","y"]}}\n')
        try:
            import pandas  # noqa: F401
        except ImportError:
            with self.assertRaisesRegex(ImportError, "pandas"):
                self.client.export_dataframe(pid)
            return
        self.assertEqual(len(self.client.export_dataframe(pid, format="csv")), 1)


if __name__ == "__main__":
    unittest.main()
