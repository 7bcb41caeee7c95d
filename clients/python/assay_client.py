"""assay_client — a small client for assay's HTTP API, standard library only.

    from assay_client import Client
    c = Client("http://127.0.0.1:8080", token="…")          # an API token (assay token create)
    for p in c.projects():
        print(p["id"], p["name"])
    c.import_items(project_id, "items.csv", format="csv", mapping={"question": "prompt"})
    pairs = c.export(project_id, format="dpo")              # a list of dicts
    df = c.export_dataframe(project_id, format="csv")       # when pandas is installed

Errors come back as AssayError with the server's code, message and details (details["field"]
names the bad field). Shapes: docs/api.md.
"""

import csv
import io
import json
import os
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["Client", "AssayError", "IMPORT_FORMATS", "EXPORT_FORMATS"]

IMPORT_FORMATS = ("jsonl", "csv", "labelstudio", "responses")
EXPORT_FORMATS = ("jsonl", "sft", "dpo", "openai", "labelstudio", "csv")
_CONTENT_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}


class AssayError(Exception):
    """A refusal from the server: HTTP status, error code, message and details."""

    def __init__(self, status, code, message, details=None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.details = status, code, message, details or {}


class Client:
    def __init__(self, base_url, token, timeout=300):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    # ---- requests ------------------------------------------------------------------------------

    def _request(self, method, path, body=None, content_type="application/json", query=None):
        url = f"{self.base_url}/api/v1{path}"
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type
            if hasattr(body, "seek") and hasattr(body, "tell"):  # a file: its length, read as sent
                start = body.tell()
                body.seek(0, os.SEEK_END)
                headers["Content-Length"] = str(body.tell() - start)
                body.seek(start)
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            return urllib.request.urlopen(req, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                err = json.loads(raw)["error"]
            except (ValueError, KeyError, TypeError):
                raise AssayError(e.code, f"http_{e.code}", raw.decode("utf-8", "replace")) from None
            raise AssayError(e.code, err.get("code", ""), err.get("message", ""), err.get("details")) from None

    def _json(self, method, path, payload=None, query=None):
        body = None if payload is None else json.dumps(payload).encode()
        with self._request(method, path, body, query=query) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    # ---- the API -------------------------------------------------------------------------------

    def projects(self):
        """The projects the token's user is a member of (all for an admin)."""
        return self._json("GET", "/projects")["projects"]

    def project(self, project_id):
        return self._json("GET", f"/projects/{_q(project_id)}")

    def import_items(self, project_id, source, format="jsonl", mapping=None):
        """Imports items from a path, bytes, a str or a binary file object, streamed by the server.

        format: jsonl (or a JSON array), csv (mapping: {"column": "target"}), labelstudio,
        responses. Returns {imported, skipped, error_count, errors: [{line, message}], …}; bad
        lines never stop an import.
        """
        if format not in IMPORT_FORMATS:
            raise ValueError(f"format must be one of {', '.join(IMPORT_FORMATS)}")
        query = {"format": format, "mapping": json.dumps(mapping) if mapping else None}
        content_type = _CONTENT_TYPES.get(format, "application/json")
        if isinstance(source, (str, os.PathLike)) and os.path.exists(source):
            with open(source, "rb") as f:
                return self._import(project_id, f, content_type, query)
        if isinstance(source, str):
            source = source.encode()
        return self._import(project_id, source, content_type, query)

    def _import(self, project_id, body, content_type, query):
        with self._request("POST", f"/projects/{_q(project_id)}/items", body, content_type, query) as r:
            return json.loads(r.read())

    def export_raw(self, project_id, format="jsonl", approved_only=False, all_pairs=False):
        """The export's bytes as the server streams them (a file object: read it in pieces)."""
        if format not in EXPORT_FORMATS:
            raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
        query = {"format": format, "states": "approved" if approved_only else None, "pairs": "all" if all_pairs else None}
        return self._request("GET", f"/projects/{_q(project_id)}/export", query=query)

    def export(self, project_id, format="jsonl", approved_only=False, all_pairs=False):
        """The export as a list of dicts: one a line (jsonl, sft, dpo, openai), a task
        (labelstudio) or a row (csv, every value a string)."""
        with self.export_raw(project_id, format, approved_only, all_pairs) as r:
            text = io.TextIOWrapper(r, encoding="utf-8", newline="")
            if format == "csv":
                return list(csv.DictReader(text))
            if format == "labelstudio":
                return json.load(text)
            return [json.loads(line) for line in text if line.strip()]

    def export_dataframe(self, project_id, format="jsonl", **kwargs):
        """The export as a pandas DataFrame (pandas must be installed)."""
        try:
            import pandas
        except ImportError as e:
            raise ImportError("export_dataframe needs pandas; export() gives the same records as dicts") from e
        return pandas.DataFrame(self.export(project_id, format, **kwargs))

    def exports(self, project_id):
        """The manifests of the project's exports, newest first."""
        return self._json("GET", f"/projects/{_q(project_id)}/exports")["exports"]

    def leaderboard(self, project_id, bootstrap=None):
        return self._json("GET", f"/projects/{_q(project_id)}/leaderboard", query={"bootstrap": bootstrap})

    def quality(self, project_id, method=None, field=None):
        return self._json("GET", f"/projects/{_q(project_id)}/quality", query={"method": method, "field": field})


def _q(part):
    return urllib.parse.quote(str(part), safe="")
