#!/usr/bin/env python3
"""Conformance check: the Python reference client (huggingface_hub 2.5.0) against hf-test-server.

Usage:
    python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
    cargo build -p hf-test-server
    .venv/bin/python tests/python/conformance.py target/debug/hf-test-server [--mode xet|lfs]
    (or set HF_TEST_SERVER_BIN)

`--mode xet` (the default) runs the client as users run it: with `hf_xet`, uploads and
downloads of Xet files go through the server's CAS. `--mode lfs` sets HF_HUB_DISABLE_XET=1:
LFS uploads, and Xet files downloaded through the bridge. CI runs both.

Starts the server with a temp data dir, runs every check (one line each: `PASS name`
or `FAIL name: reason`), prints `N passed, M failed` and exits non-zero on any failure.
The server it started is always killed.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

RESULTS = []


def check(name):
    def deco(fn):
        def run(*args, **kwargs):
            try:
                fn(*args, **kwargs)
            except Exception as e:  # noqa: BLE001
                msg = f"{type(e).__name__}: {e}".replace("\n", " ")[:400]
                RESULTS.append((name, False))
                print(f"FAIL {name}: {msg}", flush=True)
                if os.environ.get("CONFORMANCE_DEBUG"):
                    traceback.print_exc()
                return
            RESULTS.append((name, True))
            print(f"PASS {name}", flush=True)

        run.__name__ = name
        return run

    return deco


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def raises(exc_type, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc_type as e:
        return e
    except Exception as e:  # noqa: BLE001
        raise AssertionError(f"expected {exc_type.__name__}, got {type(e).__name__}: {e}") from e
    raise AssertionError(f"expected {exc_type.__name__}, nothing raised")


class Server:
    def __init__(self, binary, data_dir):
        self.log = open(os.path.join(data_dir, "..", "server.log"), "wb")
        self.proc = subprocess.Popen(
            [binary, "--data-dir", data_dir],
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("hf-test-server exited without printing its start-up line")
        self.info = json.loads(line)
        self.endpoint = self.info["endpoint"]
        self.cdn = self.info["cdn"]
        self.tokens = self.info["tokens"]

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def requests(self):
        return self.admin("GET", "/_admin/requests")

    def clear(self):
        self.admin("DELETE", "/_admin/requests")
        self.admin("DELETE", "/_admin/faults")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def main():
    args = sys.argv[1:]
    mode = "xet"
    if "--mode" in args:
        at = args.index("--mode")
        mode = args[at + 1] if at + 1 < len(args) else ""
        del args[at : at + 2]
    if mode not in ("xet", "lfs"):
        print("--mode must be xet or lfs", file=sys.stderr)
        return 2
    binary = args[0] if args else os.environ.get("HF_TEST_SERVER_BIN")
    if not binary:
        print("usage: conformance.py <path to hf-test-server> [--mode xet|lfs] (or HF_TEST_SERVER_BIN)", file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="hf-conformance-")
    data_dir = os.path.join(tmp, "data")
    os.makedirs(data_dir)
    server = Server(os.path.abspath(binary), data_dir)
    try:
        run_all(server, tmp, mode)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(1 for _, ok in RESULTS if ok)
    failed = len(RESULTS) - passed
    print(f"{passed} passed, {failed} failed (mode {mode})")
    return 1 if failed else 0


def run_all(server, tmp, mode):
    xet = mode == "xet"
    hf_home = os.path.join(tmp, "hf_home")
    env = {
        "HF_ENDPOINT": server.endpoint,
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "HF_HUB_DISABLE_UPDATE_CHECK": "1",
        "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
        "HF_HOME": hf_home,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    if not xet:
        env["HF_HUB_DISABLE_XET"] = "1"
    for k in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HUB_OFFLINE", "HF_HUB_DISABLE_XET"):
        os.environ.pop(k, None)
    os.environ.update(env)

    # Imported only now: huggingface_hub reads its constants at import time.
    import huggingface_hub
    from huggingface_hub import HfApi, Volume, hf_hub_download, revoke_tokens, snapshot_download
    from huggingface_hub.errors import (
        EgressLimitError,
        EntryNotFoundError,
        GatedRepoError,
        HfHubHTTPError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    expect(huggingface_hub.__version__ == "2.5.0", f"huggingface_hub {huggingface_hub.__version__}")
    from huggingface_hub.utils._runtime import is_xet_available

    # The mode is what the client itself decides: no run can be Xet in name only.
    expect(is_xet_available() == xet, f"hf_xet available: {is_xet_available()}, mode {mode}")
    print(f"mode: {mode} (hf_xet {'in use' if xet else 'disabled by HF_HUB_DISABLE_XET=1'})", flush=True)

    def cas_requests():
        return [r for r in server.requests() if r["origin"] == "Cas"]

    def uploaded_through(reqs):
        """Where the last upload's bytes went: "xet" (CAS xorbs/shards), "lfs" (batch), or None."""
        cas = any(r["origin"] == "Cas" and "/shards" in r["path_and_query"] for r in reqs)
        lfs = any("/info/lfs/objects/batch" in r["path_and_query"] for r in reqs)
        return "xet" if cas and not lfs else "lfs" if lfs and not cas else None
    T = server.tokens
    api = HfApi(endpoint=server.endpoint, token=T["write"])
    anon = HfApi(endpoint=server.endpoint, token=False)
    cache = os.path.join(hf_home, "hub")
    repo = "demo-user/conf-model"

    # ---------------------------------------------------------------- whoami
    for role, expected_role, display in [
        ("read", "read", "demo-read"),
        ("write", "write", "demo-write"),
        ("fine_grained", "fineGrained", "demo-fine-grained"),
        ("org_write", "fineGrained", "demo-org-write"),
    ]:

        @check(f"whoami_{role}")
        def _():
            me = api.whoami(token=T[role])
            expect(me["name"] == "demo-user", me["name"])
            expect(me["fullname"] == "Demo User", me)
            expect([o["name"] for o in me["orgs"]] == ["demo-org"], me["orgs"])
            at = me["auth"]["accessToken"]
            expect(at["role"] == expected_role, at)
            expect(at["displayName"] == display, at)
            if expected_role == "fineGrained":
                expect("scoped" in at["fineGrained"], at)

        _()

    @check("whoami_expired")
    def _():
        raises(HfHubHTTPError, api.whoami, token=T["expired"])

    _()

    # ---------------------------------------------------------------- repos
    @check("create_repo")
    def _():
        url = api.create_repo(repo)
        expect(str(url).endswith("/demo-user/conf-model"), url)
        api.create_repo(repo, exist_ok=True)
        e = raises(HfHubHTTPError, api.create_repo, repo)
        expect(e.response.status_code == 409, e.response.status_code)
        api.create_repo("demo-org/conf-dataset", repo_type="dataset", private=True)
        info = api.dataset_info("demo-org/conf-dataset")
        expect(info.private is True, info)

    _()

    @check("create_repo_forbidden_for_read_token")
    def _():
        e = raises(HfHubHTTPError, api.create_repo, "demo-user/nope", token=T["read"])
        expect(e.response.status_code == 403, e.response.status_code)

    _()

    # ---------------------------------------------------------------- uploads
    small = b'{"hello": "world"}\n'

    @check("upload_file_regular")
    def _():
        server.clear()
        info = api.upload_file(path_or_fileobj=small, path_in_repo="hello.json", repo_id=repo)
        expect(len(info.oid) == 40, info)
        p = hf_hub_download(repo, "hello.json", token=T["write"])
        expect(open(p, "rb").read() == small, "content mismatch")
        paths = [r["path_and_query"] for r in server.requests()]
        expect(any("/preupload/main" in x for x in paths), paths)
        expect(not any("/info/lfs/" in x for x in paths), "regular file went through LFS")

    _()

    lfs_small = os.urandom(2 * 1024 * 1024 + 3)

    @check("upload_file_lfs_basic")
    def _():
        server.clear()
        api.upload_file(path_or_fileobj=lfs_small, path_in_repo="weights/small.bin", repo_id=repo)
        reqs = server.requests()
        expect(uploaded_through(reqs) == mode, [r["path_and_query"] for r in reqs])
        if not xet:
            puts = [r for r in reqs if r["method"] == "PUT" and r["origin"] == "Cdn"]
            expect(len(puts) == 1 and "/part/" not in puts[0]["path_and_query"], puts)
            expect(not puts[0]["authorization"], "auth sent to CDN")
            expect(any(r["path_and_query"].endswith("/objects/verify") for r in reqs), "no verify")
        p = hf_hub_download(repo, "weights/small.bin", token=T["write"])
        data = open(p, "rb").read()
        expect(data == lfs_small, "content mismatch")
        # The snapshot points at blobs/<sha256> (in Xet mode a link into the shared Xet store).
        expect(os.path.basename(os.readlink(p)) == hashlib.sha256(lfs_small).hexdigest(), "blob name")

    _()

    lfs_big = os.urandom(9 * 1024 * 1024 + 11)

    @check("upload_file_lfs_multipart")
    def _():
        server.clear()
        api.upload_file(path_or_fileobj=lfs_big, path_in_repo="big.bin", repo_id=repo)
        reqs = server.requests()
        expect(uploaded_through(reqs) == mode, [r["path_and_query"] for r in reqs])
        if not xet:
            parts = [r for r in reqs if r["method"] == "PUT" and "/part/" in r["path_and_query"]]
            expect(len(parts) == 2, [r["path_and_query"] for r in reqs])
            expect(any(r["method"] == "POST" and "/complete" in r["path_and_query"] for r in reqs), "no completion")
        p = hf_hub_download(repo, "big.bin", token=T["write"])
        expect(hashlib.sha256(open(p, "rb").read()).hexdigest() == hashlib.sha256(lfs_big).hexdigest(), "mismatch")

    _()

    @check("upload_unchanged_file_is_skipped")
    def _():
        server.clear()
        before = api.model_info(repo).sha
        api.upload_file(path_or_fileobj=small, path_in_repo="hello.json", repo_id=repo)
        expect(api.model_info(repo).sha == before, "a new commit was created")

    _()

    @check("upload_folder")
    def _():
        folder = os.path.join(tmp, "folder")
        os.makedirs(os.path.join(folder, "sub"))
        open(os.path.join(folder, "a.txt"), "w").write("a\n")
        open(os.path.join(folder, "sub", "b.txt"), "w").write("b\n")
        w = os.urandom(1536000)
        open(os.path.join(folder, "w.bin"), "wb").write(w)
        info = api.upload_folder(folder_path=folder, path_in_repo="dst", repo_id=repo, commit_message="folder")
        expect("/commit/" in info.commit_url, info.commit_url)
        files = api.list_repo_files(repo)
        for f in ("dst/a.txt", "dst/sub/b.txt", "dst/w.bin"):
            expect(f in files, files)
        entries = {e.path: e for e in api.get_paths_info(repo, ["dst/w.bin", "dst/a.txt", "dst"])}
        expect(entries["dst/w.bin"].lfs is not None and entries["dst/w.bin"].lfs.sha256 == hashlib.sha256(w).hexdigest(), entries)
        expect(entries["dst/a.txt"].lfs is None, entries)

    _()

    @check("fine_grained_token_scopes")
    def _():
        e = raises(
            HfHubHTTPError,
            api.upload_file,
            path_or_fileobj=b"x",
            path_in_repo="x.txt",
            repo_id=repo,
            token=T["fine_grained"],
        )
        expect(e.response.status_code == 403, e.response.status_code)
        api.upload_file(
            path_or_fileobj=b"scoped\n", path_in_repo="scoped.txt", repo_id="demo-user/scoped-model", token=T["fine_grained"]
        )
        api.upload_file(
            path_or_fileobj=b"org\n", path_in_repo="org.txt", repo_id="demo-org/demo-dataset", repo_type="dataset", token=T["org_write"]
        )
        e = raises(
            HfHubHTTPError,
            api.upload_file,
            path_or_fileobj=b"x",
            path_in_repo="x.txt",
            repo_id=repo,
            token=T["read"],
        )
        expect(e.response.status_code == 403, e.response.status_code)

    _()

    # ---------------------------------------------------------------- downloads
    @check("hf_hub_download_cache_layout")
    def _():
        server.clear()
        p = hf_hub_download("demo-org/demo-model", "config.json", token=T["read"])
        root = os.path.join(cache, "models--demo-org--demo-model")
        commit = open(os.path.join(root, "refs", "main")).read()
        expect(len(commit) == 40, commit)
        expect(p == os.path.join(root, "snapshots", commit, "config.json"), p)
        expect(os.path.islink(p), "not a symlink")
        target = os.readlink(p)
        expect(target.startswith("../../blobs/"), target)
        data = open(p, "rb").read()
        etag = os.path.basename(target)
        git_sha = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        expect(etag == git_sha, (etag, git_sha))
        expect(json.loads(data)["model_type"] == "distilbert", data[:50])
        # LFS file via the CDN
        p = hf_hub_download("demo-org/demo-model", "model.safetensors", token=T["read"])
        data = open(p, "rb").read()
        sha = hashlib.sha256(data).hexdigest()
        expect(os.path.basename(os.path.realpath(p)) == sha, "LFS blob not named by sha256")
        header_len = int.from_bytes(data[:8], "little")
        header = json.loads(data[8 : 8 + header_len])
        expect("weight" in header, header)
        reqs = server.requests()
        expect(any(r["origin"] == "Cdn" for r in reqs), "CDN not used")
        expect(not any(r["origin"] == "Cdn" and r["authorization"] for r in reqs), "auth sent to CDN")

    _()

    @check("snapshot_download_patterns")
    def _():
        d = snapshot_download("demo-org/demo-model", allow_patterns=["*.json"], token=T["read"], cache_dir=os.path.join(tmp, "c1"))
        got = sorted(os.listdir(d))
        expect(got == ["config.json", "tokenizer.json", "tokenizer_config.json"], got)
        d = snapshot_download(
            "demo-org/demo-dataset", repo_type="dataset", ignore_patterns=["*.parquet"], token=T["read"], cache_dir=os.path.join(tmp, "c2")
        )
        files = sorted(os.path.relpath(os.path.join(a, f), d) for a, _, fs in os.walk(d) for f in fs)
        expect("data/train.csv" in files and not any(f.endswith(".parquet") for f in files), files)
        d = snapshot_download("demo-org/demo-dataset", repo_type="dataset", token=T["read"], cache_dir=os.path.join(tmp, "c3"))
        expect(os.path.exists(os.path.join(d, "data", "train-00000-of-00001.parquet")), "parquet missing")

    _()

    @check("list_repo_files_pagination")
    def _():
        server.clear()
        files = api.list_repo_files("demo-org/many-files")
        expect(len(files) == 1202, len(files))
        expect("shard-11/file-1199.txt" in files, "last file missing")
        tree_reqs = [r["path_and_query"] for r in server.requests() if "/tree/" in r["path_and_query"]]
        expect(len(tree_reqs) == 2 and "cursor=" in tree_reqs[1], tree_reqs)

    _()

    @check("model_info_dataset_info")
    def _():
        info = api.model_info("demo-org/demo-model")
        expect(info.id == "demo-org/demo-model" and len(info.sha) == 40, info.id)
        expect(info.pipeline_tag == "text-classification", info.pipeline_tag)
        expect(info.card_data is not None and info.card_data.get("license") == "apache-2.0", info.card_data)
        names = sorted(s.rfilename for s in info.siblings)
        expect("model.safetensors" in names and "config.json" in names, names)
        info = api.model_info("demo-org/demo-model", files_metadata=True)
        st = [s for s in info.siblings if s.rfilename == "model.safetensors"][0]
        expect(st.lfs is not None and st.size == st.lfs.size and len(st.lfs.sha256) == 64, st)
        d = api.dataset_info("demo-org/demo-dataset")
        expect(d.id == "demo-org/demo-dataset", d.id)
        expect(any(s.rfilename == "data/train.csv" for s in d.siblings), d.siblings)
        dev = api.model_info("demo-org/demo-model", revision="dev")
        expect(any(s.rfilename == "dev-notes.md" for s in dev.siblings), "dev branch")
        expect(api.repo_exists("demo-org/demo-model") and not api.repo_exists("demo-org/nope"), "repo_exists")
        expect(api.file_exists("demo-org/demo-model", "config.json"), "file_exists")
        expect(not api.file_exists("demo-org/demo-model", "nope.json"), "file_exists false")
        models = list(api.list_models(author="demo-org"))
        expect(any(m.id == "demo-org/demo-model" for m in models), [m.id for m in models])
        models = list(api.list_models(search="bert", limit=2))
        expect(len(models) == 2, models)

    _()

    @check("branches_tags_refs_commits")
    def _():
        api.create_branch(repo, branch="feature", revision="main")
        api.create_branch(repo, branch="feature", exist_ok=True)
        api.create_tag(repo, tag="v0.1", tag_message="first")
        refs = api.list_repo_refs(repo)
        expect({b.name for b in refs.branches} == {"main", "feature"}, refs.branches)
        expect([t.name for t in refs.tags] == ["v0.1"], refs.tags)
        api.upload_file(path_or_fileobj=b"on feature\n", path_in_repo="feature.txt", repo_id=repo, revision="feature")
        expect("feature.txt" in api.list_repo_files(repo, revision="feature"), "branch commit")
        expect("feature.txt" not in api.list_repo_files(repo), "leaked to main")
        commits = api.list_repo_commits(repo)
        expect(len(commits) >= 5 and commits[-1].title == "initial commit", [c.title for c in commits])
        api.delete_tag(repo, tag="v0.1")
        api.delete_branch(repo, branch="feature")
        refs = api.list_repo_refs(repo)
        expect([b.name for b in refs.branches] == ["main"] and not refs.tags, refs)
        refs = api.list_repo_refs("demo-org/demo-model")
        expect({b.name for b in refs.branches} == {"main", "dev"} and [t.name for t in refs.tags] == ["v1.0"], refs)

    _()

    @check("create_pr_commit")
    def _():
        info = api.upload_file(path_or_fileobj=b"pr content\n", path_in_repo="pr.txt", repo_id=repo, create_pr=True)
        expect(info.pr_revision == "refs/pr/1", info.pr_revision)
        expect(info.pr_url.endswith("/demo-user/conf-model/discussions/1"), info.pr_url)
        refs = api.list_repo_refs(repo, include_pull_requests=True)
        expect([p.ref for p in refs.pull_requests] == ["refs/pr/1"], refs.pull_requests)
        p = hf_hub_download(repo, "pr.txt", revision="refs/pr/1", token=T["write"])
        expect(open(p, "rb").read() == b"pr content\n", "pr content")
        expect("pr.txt" not in api.list_repo_files(repo), "PR leaked to main")

    _()

    @check("discussions_and_pull_requests")
    def _():
        # The PR opened by create_pr_commit: Python reads it, reviews it, merges it.
        prs = list(api.get_repo_discussions(repo, discussion_type="pull_request"))
        expect([(d.num, d.status, d.is_pull_request) for d in prs] == [(1, "open", True)], prs)
        details = api.get_discussion_details(repo, 1)
        expect(details.target_branch == "refs/heads/main" and details.conflicting_files == [], details)
        expect("+pr content" in (details.diff or ""), details.diff)
        expect([e.type for e in details.events][:2] == ["comment", "commit"], details.events)
        comment = api.comment_discussion(repo, 1, "Looks good")
        edited = api.edit_discussion_comment(repo, 1, comment.id, "Looks great")
        expect(edited.content == "Looks great" and edited.edited, edited)
        renamed = api.rename_discussion(repo, 1, "Add pr.txt")
        expect((renamed.old_title, renamed.new_title) == ("Upload pr.txt with huggingface_hub", "Add pr.txt"), renamed)
        hidden = api.hide_discussion_comment(repo, 1, comment.id)
        expect(hidden.hidden, hidden)
        api.merge_pull_request(repo, 1, comment="Merging")
        merged = api.get_discussion_details(repo, 1)
        expect(merged.status == "merged" and merged.merge_commit_oid == api.model_info(repo).sha, merged)
        expect("pr.txt" in api.list_repo_files(repo), "merged into main")
        # A discussion: opened, closed with a comment, reopened; filters by status and author.
        d = api.create_discussion(repo, "A question", description="Why?")
        expect(d.status == "open" and not d.is_pull_request and d.events[0].content == "Why?", d)
        change = api.change_discussion_status(repo, d.num, "closed", comment="Answered")
        expect(change.new_status == "closed", change)
        expect([x.num for x in api.get_repo_discussions(repo, discussion_status="closed")] == [d.num, 1], "closed filter")
        expect([x.num for x in api.get_repo_discussions(repo, discussion_status="open")] == [], "open filter")
        api.change_discussion_status(repo, d.num, "open")
        expect([x.num for x in api.get_repo_discussions(repo, author="demo-user", discussion_type="discussion")] == [d.num], "author filter")
        draft = api.create_pull_request(repo, "Empty draft")
        expect(draft.status == "draft" and draft.git_reference == f"refs/pr/{draft.num}", draft)
        e = raises(HfHubHTTPError, api.merge_pull_request, repo, draft.num)
        expect(e.response.status_code == 409, e.response.status_code)
        # A read token reads but does not take part; an org token only in its org.
        reader = HfApi(endpoint=server.endpoint, token=T["read"])
        expect(reader.get_discussion_details(repo, d.num).title == "A question", "reader reads")
        e = raises(HfHubHTTPError, reader.comment_discussion, repo, d.num, "me too")
        expect(e.response.status_code == 403, e.response.status_code)
        org = HfApi(endpoint=server.endpoint, token=T["org_write"])
        e = raises(HfHubHTTPError, org.create_discussion, repo, "From the org")
        expect(e.response.status_code == 403, e.response.status_code)
        # An attachment comes back as a URL serving the same bytes.
        png = os.path.join(tmp, "shot.png")
        with open(png, "wb") as f:
            f.write(b"\x89PNG fake")
        url = api.upload_attachment(png)
        expect(url.startswith(server.endpoint + "/uploads/demo-user/") and url.endswith(".png"), url)

    _()

    @check("renamed_repo")
    def _():
        server.clear()
        p = hf_hub_download("demo-org/old-model-name", "config.json", token=T["read"], cache_dir=os.path.join(tmp, "c4"))
        expect(json.loads(open(p).read())["model_type"] == "distilbert", "content")
        reqs = server.requests()
        expect(reqs[0]["status"] == 307, reqs[0])
        info = api.model_info("demo-org/old-model-name")
        expect(info.id == "demo-org/demo-model", info.id)
        api.move_repo("demo-org/conf-dataset", "demo-org/conf-dataset-2", repo_type="dataset")
        expect(api.dataset_info("demo-org/conf-dataset").id == "demo-org/conf-dataset-2", "moved")

    _()

    @check("duplicate_repo")
    def _():
        url = api.duplicate_repo("demo-org/demo-model", to_id="demo-user/conf-copy", private=True)
        expect(str(url).endswith("/demo-user/conf-copy"), str(url))
        expect(
            sorted(api.list_repo_files("demo-user/conf-copy")) == sorted(api.list_repo_files("demo-org/demo-model")),
            "same files",
        )
        expect(api.model_info("demo-user/conf-copy").private is True, "private copy")
        e = raises(HfHubHTTPError, api.duplicate_repo, "demo-org/demo-model", to_id="demo-user/conf-copy")
        expect(e.response.status_code == 409, e.response.status_code)
        api.duplicate_repo("demo-org/demo-model", to_id="demo-user/conf-copy", exist_ok=True)

    _()

    @check("space_settings_at_creation")
    def _():
        api.create_repo(
            "demo-user/conf-space",
            repo_type="space",
            space_sdk="gradio",
            space_hardware="t4-medium",
            space_sleep_time=3600,
            space_secrets=[{"key": "API_KEY", "value": "not-a-real-secret"}],
            space_variables=[{"key": "THEME", "value": "dark"}],
            space_volumes=[Volume(type="dataset", source="demo-org/demo-dataset", mount_path="/data")],
        )
        variables = api.get_space_variables("demo-user/conf-space")
        expect(variables["THEME"].value == "dark", variables)
        expect("API_KEY" not in variables, "secrets are not listed")
        runtime = api.get_space_runtime("demo-user/conf-space")
        expect(runtime.requested_hardware == "t4-medium", runtime)
        expect(runtime.sleep_time == 3600, runtime)
        expect(
            [(v.type, v.source, v.mount_path) for v in runtime.volumes or []]
            == [("dataset", "demo-org/demo-dataset", "/data")],
            runtime.volumes,
        )
        url = api.duplicate_repo(
            "demo-user/conf-space", to_id="demo-user/conf-space-copy", repo_type="space", space_hardware="l4x1"
        )
        expect(api.get_space_runtime("demo-user/conf-space-copy").requested_hardware == "l4x1", str(url))

    _()

    @check("dataset_leaderboard")
    def _():
        board = api.get_dataset_leaderboard("demo-org/demo-dataset")
        expect([e.model_id for e in board] == ["demo-org/demo-model", "demo-org/xet-model"], board)
        expect(board[0].rank == 1 and board[0].value == 0.91 and board[0].verified, board[0])
        expect(board[0].author.name == "demo-org", board[0].author)

    _()

    @check("space_templates")
    def _():
        templates = api.list_space_templates()
        expect([(t.name, t.repo_id, t.sdk) for t in templates] == [("Gradio", "demo-org/gradio-template", "gradio")], templates)
        api.create_repo("demo-user/conf-from-template", repo_type="space", space_template="gradio")
        files = api.list_repo_files("demo-user/conf-from-template", repo_type="space")
        expect("app.py" in files, files)

    _()

    @check("space_secrets_and_variables")
    def _():
        space = "demo-user/conf-space"
        api.add_space_secret(space, "SECOND", "fake-value-2", description="a test secret")
        secrets = api.get_space_secrets(space)
        expect(set(secrets) >= {"API_KEY", "SECOND"}, secrets)
        expect(secrets["SECOND"].description == "a test secret", secrets["SECOND"])
        api.delete_space_secret(space, "SECOND")
        expect("SECOND" not in api.get_space_secrets(space), "deleted")
        after = api.add_space_variable(space, "MODE", "fast")
        expect(after["MODE"].value == "fast" and "THEME" in after, after)
        left = api.delete_space_variable(space, "MODE")
        expect("MODE" not in left, left)
        reader = HfApi(endpoint=server.endpoint, token=T["read"])
        e = raises(HfHubHTTPError, reader.add_space_secret, space, "X", "y")
        expect(e.response.status_code == 403, e.response.status_code)

    _()

    @check("space_runtime_pause_restart_logs")
    def _():
        space = "demo-user/conf-space"
        runtime = api.restart_space(space)
        expect(runtime.stage == "BUILDING", runtime.stage)
        build = list(api.fetch_space_logs(space, build=True, follow=True))
        expect(len(build) == 3 and "Build Queued" in build[0], build)
        runtime = api.wait_for_space(space, timeout=10, poll_interval=0.05)
        expect(runtime.stage == "RUNNING", runtime.stage)
        run = list(api.fetch_space_logs(space))
        expect(any("Running on local URL" in line for line in run), run)
        names = [h.name for h in api.list_spaces_hardware()]
        expect("cpu-basic" in names and "t4-small" in names, names)
        runtime = api.request_space_hardware(space, "t4-small", sleep_time=3600)
        expect(runtime.requested_hardware == "t4-small" and runtime.sleep_time == 3600, runtime.raw)
        expect(api.set_space_sleep_time(space, -1).sleep_time == -1, "sleep time")
        expect(api.enable_space_dev_mode(space).dev_mode is True, "dev mode on")
        expect(api.disable_space_dev_mode(space).dev_mode is False, "dev mode off")
        paused = api.pause_space(space)
        expect(paused.stage == "PAUSED" and paused.hardware is None, paused.raw)
        expect(api.get_space_runtime(space).stage == "PAUSED", "paused")
        reader = HfApi(endpoint=server.endpoint, token=T["read"])
        e = raises(HfHubHTTPError, reader.restart_space, space)
        expect(e.response.status_code == 403, e.response.status_code)
        e = raises(HfHubHTTPError, lambda: list(reader.fetch_space_logs(space)))
        expect(e.response.status_code == 403, e.response.status_code)

    _()

    @check("collections")
    def _():
        c = api.create_collection("Conformance picks", description="checked by Python")
        expect(c.slug.startswith("demo-user/conformance-picks-") and c.url.endswith(c.slug), c)
        again = api.create_collection("Conformance picks", exists_ok=True)
        expect(again.slug == c.slug, (again.slug, c.slug))
        c = api.add_collection_item(c.slug, "demo-org/demo-model", "model", note="first")
        c = api.add_collection_item(c.slug, "2611.01234", "paper")
        expect([i.item_id for i in c.items] == ["demo-org/demo-model", "2611.01234"], c.items)
        expect(c.items[0].note == "first", c.items[0])
        raises(HfHubHTTPError, api.add_collection_item, c.slug, "demo-org/demo-model", "model")
        api.add_collection_item(c.slug, "demo-org/demo-model", "model", exists_ok=True)
        raises(HfHubHTTPError, api.add_collection_item, c.slug, "demo-org/missing", "model")
        api.update_collection_item(c.slug, c.items[1].item_object_id, position=0, note="now first")
        c = api.get_collection(c.slug)
        expect(c.items[0].item_id == "2611.01234" and c.items[0].note == "now first", c.items)
        c = api.update_collection_metadata(c.slug, title="Renamed picks", private=True, theme="green")
        expect(c.title == "Renamed picks" and c.private and c.theme == "green", c)
        listed = list(api.list_collections(owner="demo-user", item="papers/2611.01234"))
        expect([x.slug for x in listed] == [c.slug], listed)
        raises(HfHubHTTPError, anon.get_collection, c.slug)
        reader = HfApi(endpoint=server.endpoint, token=T["read"])
        e = raises(HfHubHTTPError, reader.create_collection, "Nope")
        expect(e.response.status_code == 403, e.response.status_code)
        org = HfApi(endpoint=server.endpoint, token=T["org_write"])
        e = raises(HfHubHTTPError, org.create_collection, "Nope", namespace="demo-user")
        expect(e.response.status_code == 403, e.response.status_code)
        expect(org.create_collection("Org picks", namespace="demo-org").owner["name"] == "demo-org", "org")
        api.delete_collection_item(c.slug, c.items[0].item_object_id)
        api.delete_collection_item(c.slug, c.items[0].item_object_id, missing_ok=True)
        api.delete_collection(c.slug)
        api.delete_collection(c.slug, missing_ok=True)
        raises(HfHubHTTPError, api.get_collection, c.slug)

    _()

    @check("papers")
    def _():
        daily = list(anon.list_daily_papers(date="2026-12-01"))
        expect([p.id for p in daily] == ["2611.01234", "2611.00042"], [p.id for p in daily])
        expect(daily[0].title and daily[0].submitted_by.username == "demo-user", daily[0])
        expect(daily[0].comments == 3 and daily[0].upvotes == 42, daily[0])
        week = [p.id for p in anon.list_daily_papers(week="2026-W43")]
        expect(week == ["2610.09999"], week)
        found = [p.id for p in anon.list_papers(query="attention")]
        expect(found == ["2611.00042"], found)
        info = anon.paper_info("2610.09999")
        expect(info.title == "Vision Language Models on a Budget" and len(info.authors) == 2, info)
        expect(anon.read_paper("2610.09999").startswith("# Vision Language Models"), "markdown")
        e = raises(HfHubHTTPError, anon.paper_info, "9999.99999")
        expect(e.response.status_code == 404, e.response.status_code)

    _()

    @check("webhooks")
    def _():
        from huggingface_hub import WebhookWatchedItem

        w = api.create_webhook(
            url="https://example.invalid/hook",
            watched=[WebhookWatchedItem(type="model", name="demo-org/demo-model")],
            secret="fake-conformance-secret",
        )
        expect(w.domains == ["repo", "discussion"] and not w.disabled and w.secret == "fake-conformance-secret", w)
        expect(api.get_webhook(w.id).url == "https://example.invalid/hook", "get")
        expect(api.disable_webhook(w.id).disabled, "disabled")
        expect(not api.enable_webhook(w.id).disabled, "enabled")
        w2 = api.update_webhook(
            w.id, url="https://example.invalid/hook", watched=[WebhookWatchedItem(type="org", name="demo-org")], domains=["repo"]
        )
        expect(w2.domains == ["repo"] and w2.watched[0].type == "org", w2)
        job = api.create_webhook(job_id="687f911eaea852de79c4a50a", watched=[{"type": "user", "name": "demo-user"}], secrets={"K": "v"})
        expect(job.url is None and job.job is not None, job)
        expect({x.id for x in api.list_webhooks()} == {w.id, job.id}, "listed")
        for token in ("read", "org_write"):
            other = HfApi(endpoint=server.endpoint, token=T[token])
            e = raises(HfHubHTTPError, other.create_webhook, url="https://x.invalid", watched=[{"type": "user", "name": "demo-user"}])
            expect(e.response.status_code == 403, (token, e.response.status_code))
        api.delete_webhook(w.id)
        api.delete_webhook(job.id)
        expect(api.list_webhooks() == [], "deleted")

    _()

    @check("inference_endpoints")
    def _():
        from huggingface_hub import constants

        constants.INFERENCE_ENDPOINTS_ENDPOINT = server.info["inference_endpoints"]
        constants.INFERENCE_CATALOG_ENDPOINT = server.info["inference_catalog"]
        e = api.create_inference_endpoint(
            "conf-one", repository="demo-org/demo-model", framework="pytorch", accelerator="cpu",
            instance_size="x1", instance_type="intel-icl", region="us-east-1", vendor="aws",
            secrets={"API_KEY": "fake-endpoint-secret"}, env={"MODE": "fast"},
        )
        expect(e.status == "pending" and e.namespace == "demo-user", e.raw)
        expect("fake-endpoint-secret" not in json.dumps(e.raw), "secret answered back")

        # `InferenceEndpoint.wait` polls with the default token (none here): poll with `api`.
        def wait_running(name):
            for _ in range(200):
                got = api.get_inference_endpoint(name)
                if got.status not in ("pending", "initializing", "updating"):
                    return got
                time.sleep(0.05)
            raise AssertionError(f"{name} still {got.status}")

        e = wait_running("conf-one")
        expect(e.status == "running" and e.url, e.raw)
        expect(api.pause_inference_endpoint("conf-one").status == "paused", "paused")
        expect(api.resume_inference_endpoint("conf-one").status == "pending", "resumed")
        wait_running("conf-one")
        again = api.resume_inference_endpoint("conf-one")
        expect(again.status == "running", "running_ok")
        raises(HfHubHTTPError, api.resume_inference_endpoint, "conf-one", running_ok=False)
        e = api.update_inference_endpoint("conf-one", min_replica=0, max_replica=2, scale_to_zero_timeout=15)
        expect(e.status == "updating" and e.raw["compute"]["scaling"]["maxReplica"] == 2, e.raw)
        expect(e.raw["compute"]["instanceType"] == "intel-icl", "partial update")
        expect(api.scale_to_zero_inference_endpoint("conf-one").status == "scaledToZero", "scaled")
        expect([x.name for x in api.list_inference_endpoints()] == ["conf-one"], "listed")
        hardware = api.list_inference_endpoints_hardware()
        expect(any(h.instance_type == "nvidia-l4" and h.status == "available" for h in hardware), hardware)
        catalog = api.list_inference_catalog(engine="llamacpp")
        expect([m.repo_id for m in catalog] == ["demo-org/tiny-gguf"] and len(catalog[0].recipes) == 2, catalog)
        c = api.create_inference_endpoint_from_catalog(recipe_id="crispy-demo-cpu01", name="conf-cat")
        expect(c.name == "conf-cat" and c.repository == "demo-org/demo-model", c.raw)
        c = api.create_inference_endpoint_from_catalog("demo-org/tiny-gguf", gguf_file="tiny-Q4_K_M.gguf")
        expect(c.name.startswith("tiny-gguf-"), c.name)
        reader = HfApi(endpoint=server.endpoint, token=T["read"])
        expect([x.name for x in reader.list_inference_endpoints()], "a read token lists")
        err = raises(HfHubHTTPError, reader.pause_inference_endpoint, "conf-one")
        expect(err.response.status_code == 403, err.response.status_code)
        org = HfApi(endpoint=server.endpoint, token=T["org_write"])
        err = raises(HfHubHTTPError, org.pause_inference_endpoint, "conf-one", namespace="demo-user")
        expect(err.response.status_code == 403, err.response.status_code)
        o = org.create_inference_endpoint(
            "org-one", repository="demo-org/demo-model", framework="pytorch", accelerator="cpu",
            instance_size="x1", instance_type="intel-icl", region="us-east-1", vendor="aws", namespace="demo-org",
        )
        expect(o.namespace == "demo-org", o.raw)
        api.delete_inference_endpoint("conf-one")
        err = raises(HfHubHTTPError, api.get_inference_endpoint, "conf-one")
        expect(err.response.status_code == 404, err.response.status_code)

    _()

    @check("spaces_semantic_search")
    def _():
        found = list(anon.search_spaces("gradio template"))
        expect(found and found[0].id == "demo-org/gradio-template", [f.id for f in found])
        expect(found[0].runtime.stage == "RUNNING" and found[0].semantic_relevancy_score == 1.0, found[0])
        expect(list(anon.search_spaces("gradio", sdk=["docker"])) == [], "sdk filter")

    _()

    @check("list_user_repos")
    def _():
        mine = list(api.list_user_repos())
        expect(mine and all(r.id.startswith("demo-user/") for r in mine), [r.id for r in mine])
        expect(all(r.visibility in ("public", "private") and r.storage >= 0 for r in mine), mine)
        org = list(api.list_user_repos(namespace="demo-org"))
        expect(any(r.id == "demo-org/demo-model" and r.type == "model" for r in org), [r.id for r in org])
        expect(abs(sum(r.storage_percent for r in org) - 100.0) < 0.01, [r.storage_percent for r in org])
        raises(HfHubHTTPError, lambda: list(api.list_user_repos(namespace="someone-else")))

    _()

    # ---------------------------------------------------------------- errors
    @check("gated_repo_error")
    def _():
        info = api.model_info("demo-org/gated-model", token=T["read"])
        expect(info.gated == "manual", info.gated)
        e = raises(GatedRepoError, hf_hub_download, "demo-org/gated-model", "config.json", token=T["read"])
        expect(e.response.status_code == 403, e.response.status_code)
        server.admin("POST", "/_admin/grant", {"user": "demo-user", "repo": "demo-org/gated-model"})
        p = hf_hub_download("demo-org/gated-model", "config.json", token=T["read"])
        expect(os.path.exists(p), p)

    _()

    @check("repository_not_found_error")
    def _():
        raises(RepositoryNotFoundError, hf_hub_download, "demo-user/private-model", "config.json", token=False)
        raises(RepositoryNotFoundError, anon.model_info, "demo-user/private-model")
        raises(RepositoryNotFoundError, api.model_info, "demo-org/does-not-exist")
        info = api.model_info("demo-user/private-model")
        expect(info.private is True, info)

    _()

    @check("revision_not_found_error")
    def _():
        raises(RevisionNotFoundError, hf_hub_download, "demo-org/demo-model", "config.json", revision="does-not-exist", token=T["read"])
        raises(RevisionNotFoundError, api.model_info, "demo-org/demo-model", revision="nope")

    _()

    @check("entry_not_found_error")
    def _():
        raises(EntryNotFoundError, hf_hub_download, "demo-org/demo-model", "nope.txt", token=T["read"])

    _()

    @check("rate_limit_then_success")
    def _():
        server.clear()
        server.admin(
            "POST",
            "/_admin/faults",
            {"origin": "Hub", "path_contains": "/api/models/demo-org/demo-model/tree/", "action": {"RateLimit": {"retry_after_secs": 1}}, "times": 1},
        )
        t0 = time.time()
        files = api.list_repo_files("demo-org/demo-model")
        expect("config.json" in files, files)
        statuses = [r["status"] for r in server.requests() if "/tree/" in r["path_and_query"]]
        expect(statuses == [429, 200], statuses)
        expect(time.time() - t0 >= 1.5, "did not wait for Retry-After")

    _()

    @check("egress_limit_error")
    def _():
        # A 402 with X-Error-Code EgressLimitReached is Python 2.5's EgressLimitError.
        server.clear()
        server.admin(
            "POST",
            "/_admin/faults",
            {"origin": "Hub", "path_contains": "/resolve/main/README.md", "action": "EgressLimit", "times": 1},
        )
        e = raises(
            EgressLimitError,
            hf_hub_download,
            "demo-org/demo-model",
            "README.md",
            token=T["read"],
            cache_dir=tempfile.mkdtemp(dir=tmp),
        )
        expect("Egress limit reached" in str(e), str(e))

    _()

    @check("revoke_tokens")
    def _():
        # Anyone holding a token's value revokes it, sending no Authorization header.
        minted = server.admin("POST", "/_admin/tokens", {"role": "read"})["token"]
        expect(api.whoami(token=minted)["name"] == "demo-user", "the minted token is refused")
        server.clear()
        revoke_tokens([minted])
        sent = [r for r in server.requests() if r["path_and_query"] == "/api/credentials/revoke"]
        expect(len(sent) == 1 and not sent[0]["authorization"], sent)
        raises(HfHubHTTPError, api.whoami, token=minted)

    _()

    @check("server_error_then_success")
    def _():
        server.clear()
        server.admin(
            "POST",
            "/_admin/faults",
            {"path_contains": "/api/models/demo-org/many-files/tree/", "action": {"StatusSequence": [503]}},
        )
        files = api.list_repo_files("demo-org/many-files")
        expect(len(files) == 1202, len(files))

    _()

    @check("cut_body_then_resume")
    def _():
        server.clear()
        server.admin(
            "POST",
            "/_admin/faults",
            {"origin": "Cdn", "method": "GET", "path_contains": "/lfs/", "action": {"CutBodyAfter": 1000000}, "times": 1},
        )
        p = hf_hub_download("demo-org/demo-model", "model.safetensors", token=T["read"], cache_dir=os.path.join(tmp, "c5"))
        data = open(p, "rb").read()
        expect(hashlib.sha256(data).hexdigest() == os.path.basename(os.path.realpath(p)), "content mismatch")
        cdn = [r for r in server.requests() if r["origin"] == "Cdn"]
        expect(len(cdn) == 2, server.requests())
        expect(cdn[0]["body_bytes"] == 1000000, cdn[0])
        expect(cdn[1]["range"] in (None, "bytes=0-"), cdn[1])
        # A resume past the first 10 MiB chunk uses a Range request (206); in Xet mode the
        # file went to the CAS, and a cut CAS answer is retried by hf_xet.
        blob = os.urandom(12 * 1024 * 1024 + 5)
        api.upload_file(path_or_fileobj=blob, path_in_repo="resume.bin", repo_id=repo)
        server.clear()
        if xet:
            server.admin(
                "POST",
                "/_admin/faults",
                {"origin": "Cas", "method": "GET", "path_contains": "/fetch_term", "action": {"CutBodyAfter": 100000}, "times": 1},
            )
        else:
            server.admin(
                "POST",
                "/_admin/faults",
                {"origin": "Cdn", "method": "GET", "path_contains": "/lfs/", "action": {"CutBodyAfter": 11 * 1024 * 1024}, "times": 1},
            )
        p = hf_hub_download(repo, "resume.bin", token=T["write"], cache_dir=os.path.join(tmp, "c6"))
        expect(open(p, "rb").read() == blob, "content mismatch after resume")
        if xet:
            fetches = [r for r in cas_requests() if "/fetch_term" in r["path_and_query"]]
            expect(any(r["body_bytes"] == 100000 for r in fetches) and len(fetches) >= 2, fetches)
        else:
            cdn = [r for r in server.requests() if r["origin"] == "Cdn"]
            expect(len(cdn) == 2 and cdn[1]["range"] == "bytes=10485760-" and cdn[1]["status"] == 206, cdn)

    _()

    # ---------------------------------------------------------------- Xet
    def bridge_get(repo_id, path, token):
        """The file as a client without Xet gets it: resolve, then the redirect (no token on it)."""
        req = urllib.request.Request(f"{server.endpoint}/{repo_id}/resolve/main/{path}")
        req.add_header("Authorization", f"Bearer {token}")

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(req, timeout=30)
            raise AssertionError("resolve did not redirect")
        except urllib.error.HTTPError as e:
            expect(e.code == 302, e.code)
            location, xet_hash = e.headers["Location"], e.headers.get("X-Xet-Hash")
        expect("/xet/" in location, location)
        with urllib.request.urlopen(location, timeout=60) as r:
            return r.read(), xet_hash

    def raw_info(repo_id):
        req = urllib.request.Request(f"{server.endpoint}/api/models/{repo_id}")
        req.add_header("Authorization", f"Bearer {T['write']}")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    @check("xet_seeded_model_download")
    def _():
        server.clear()
        p = hf_hub_download("demo-org/xet-model", "model.safetensors", token=T["read"])
        data = open(p, "rb").read()
        sha = hashlib.sha256(data).hexdigest()
        expect(os.path.basename(os.readlink(p)) == sha, os.readlink(p))
        expect(raw_info("demo-org/xet-model")["xetEnabled"] is True, "xetEnabled")
        expect(raw_info("demo-org/demo-model")["xetEnabled"] is False, "the legacy LFS repo says xetEnabled")
        listed = {e.path: e for e in api.list_repo_tree("demo-org/xet-model")}
        expect(listed["model.safetensors"].xet_hash and listed["model.safetensors"].lfs.sha256 == sha, listed)
        reqs = server.requests()
        cas = cas_requests()
        bridge = [r for r in reqs if r["origin"] == "Cdn" and "/xet/" in r["path_and_query"]]
        if xet:
            expect(any("/reconstructions/" in r["path_and_query"] and r["status"] == 200 for r in cas), cas)
            expect(not bridge, "the bridge was used although hf_xet is on")
            # Python's shared Xet blob store: blobs/<h[:2]>/<xet hash>, and its marker.
            xet_hash = [r for r in cas if "/reconstructions/" in r["path_and_query"]][0]["path_and_query"].rsplit("/", 1)[1]
            real = os.path.realpath(p)
            expect(real == os.path.join(cache, "blobs", xet_hash[:2], xet_hash), real)
            expect(open(os.path.join(cache, "blobs", ".huggingface-shared-blobs")).read() == "1\n", "no shared-blobs marker")
        else:
            expect(not cas, cas)
            expect(len(bridge) >= 1 and all(not r["authorization"] for r in bridge), bridge)
            expect(os.path.basename(os.path.realpath(p)) == sha, "blob name")
        data2, _ = bridge_get("demo-org/xet-model", "model.safetensors", T["read"])
        expect(data2 == data, "bridge bytes differ")

    _()

    xet_repo = "demo-user/conf-xet"

    @check("xet_upload_roundtrip_and_dedup")
    def _():
        api.create_repo(xet_repo, private=True)
        expect(raw_info(xet_repo)["xetEnabled"] is True, "new repos are Xet-enabled")
        blob = os.urandom(6 * 1024 * 1024 + 99)
        folder = os.path.join(tmp, "xet-folder")
        os.makedirs(os.path.join(folder, "sub"))
        open(os.path.join(folder, "sub", "w.bin"), "wb").write(blob)
        open(os.path.join(folder, "notes.md"), "w").write("# notes\n")
        server.clear()
        api.upload_folder(folder_path=folder, repo_id=xet_repo, commit_message="through Xet")
        first = server.requests()
        expect(uploaded_through(first) == mode, [r["path_and_query"] for r in first])
        entries = {e.path: e for e in api.get_paths_info(xet_repo, ["sub/w.bin", "notes.md"])}
        expect(entries["sub/w.bin"].lfs is not None and entries["sub/w.bin"].lfs.sha256 == hashlib.sha256(blob).hexdigest(), entries)
        # Stored in the CAS only when it came through Xet.
        expect(bool(entries["sub/w.bin"].xet_hash) == xet, entries["sub/w.bin"])
        # The same bytes again, under another name: nothing new is sent.
        server.clear()
        api.upload_file(path_or_fileobj=blob, path_in_repo="copy.bin", repo_id=xet_repo)
        again = server.requests()
        if xet:
            sent = [r for r in again if r["origin"] == "Cas" and r["method"] in ("POST", "PUT") and ("/xorbs/" in r["path_and_query"] or "xorb-grants" in r["path_and_query"] or "xorb-uploads" in r["path_and_query"])]
            expect(not sent, sent)
            expect(any(r["origin"] == "Cas" and "/shards" in r["path_and_query"] for r in again), "no shard for the copy")
        else:
            expect(not any(r["method"] == "PUT" and r["origin"] == "Cdn" for r in again), "bytes sent again over LFS")
        # Back through the client's own path and through the bridge: byte-identical.
        for name in ("sub/w.bin", "copy.bin"):
            p = hf_hub_download(xet_repo, name, token=T["write"], cache_dir=os.path.join(tmp, "c7"))
            expect(open(p, "rb").read() == blob, f"{name} differs")
        if xet:
            data, xet_hash = bridge_get(xet_repo, "copy.bin", T["write"])
            expect(data == blob and xet_hash and len(xet_hash) == 64, "bridge bytes differ")

    _()

    @check("xet_tokens_refused_without_access")
    def _():
        def token_status(repo_id, kind, token):
            req = urllib.request.Request(f"{server.endpoint}/api/models/{repo_id}/xet-{kind}-token/main")
            if token:
                req.add_header("Authorization", f"Bearer {token}")
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    return r.status, json.loads(r.read())
            except urllib.error.HTTPError as e:
                return e.code, None

        status, body = token_status(xet_repo, "read", T["read"])
        expect(status == 200 and body["casUrl"] == server.info["cas"] and body["accessToken"], (status, body))
        expect(token_status(xet_repo, "read", None)[0] in (401, 404), "private repo token for the anonymous")
        expect(token_status(xet_repo, "write", T["read"])[0] == 403, "write token for a read token")
        expect(token_status("demo-org/gated-model-2", "read", T["read"])[0] == 404, "unknown repo")
        # A gated repo refuses a read token until access is granted (Hub answer: 403 GatedRepo).
        gated = "demo-user/conf-gated"
        api.create_repo(gated)
        api.upload_file(path_or_fileobj=os.urandom(100000), path_in_repo="w.bin", repo_id=gated)
        api.update_repo_settings(gated, gated="manual")
        expect(token_status(gated, "read", T["read"])[0] == 403, "gated repo token before the grant")
        raises(GatedRepoError, hf_hub_download, gated, "w.bin", token=T["read"], cache_dir=os.path.join(tmp, "c8"))
        server.admin("POST", "/_admin/grant", {"user": "demo-user", "repo": gated})
        expect(token_status(gated, "read", T["read"])[0] == 200, "gated repo token after the grant")
        p = hf_hub_download(gated, "w.bin", token=T["read"], cache_dir=os.path.join(tmp, "c8"))
        expect(os.path.getsize(p) == 100000, "gated file after the grant")
        # The CAS itself refuses requests without one of the tokens the Hub issued.
        req = urllib.request.Request(f"{server.info['cas']}/v2/reconstructions/{'0' * 64}")
        try:
            urllib.request.urlopen(req, timeout=10)
            raise AssertionError("the CAS answered without a token")
        except urllib.error.HTTPError as e:
            expect(e.code == 401, e.code)

    _()

    # ---------------------------------------------------------------- CLI
    hf_bin = os.path.join(os.path.dirname(sys.executable), "hf")

    def run_cli(*args, token=None):
        e = dict(os.environ)
        if token:
            e["HF_TOKEN"] = token
        e.pop("HF_HUB_DISABLE_IMPLICIT_TOKEN", None)
        return subprocess.run([hf_bin, *args], env=e, capture_output=True, text=True, timeout=120)

    @check("cli_auth_whoami")
    def _():
        r = run_cli("auth", "whoami", token=T["read"])
        expect(r.returncode == 0 and "demo-user" in r.stdout, (r.returncode, r.stdout, r.stderr[-300:]))
        r = run_cli("auth", "whoami", token=T["expired"])
        expect(r.returncode != 0, (r.returncode, r.stdout))

    _()

    @check("cli_download")
    def _():
        out = os.path.join(tmp, "cli-dl")
        r = run_cli("download", "demo-org/demo-model", "config.json", "--local-dir", out, token=T["read"])
        expect(r.returncode == 0, (r.returncode, r.stderr[-400:]))
        expect(json.load(open(os.path.join(out, "config.json")))["model_type"] == "distilbert", "content")

    _()

    @check("cli_upload")
    def _():
        f = os.path.join(tmp, "cli-up.txt")
        open(f, "w").write("uploaded by the CLI\n")
        r = run_cli("upload", repo, f, "cli/uploaded.txt", token=T["write"])
        expect(r.returncode == 0, (r.returncode, r.stderr[-400:]))
        p = hf_hub_download(repo, "cli/uploaded.txt", token=T["write"])
        expect(open(p).read() == "uploaded by the CLI\n", "content")

    _()

    # ---------------------------------------------------------------- final
    @check("no_cdn_auth_violations")
    def _():
        stats = server.admin("GET", "/_admin/stats")
        expect(stats["cdn_auth_violations"] == 0, stats)

    _()


if __name__ == "__main__":
    sys.exit(main())
