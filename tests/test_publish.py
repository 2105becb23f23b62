"""digest.publish and digest.lock without a build: a publish cut short at any point is rolled
back or forward to exactly the old or the new site; a journal cannot reach outside the site;
the lock says who holds it. (Real processes: tests/pipeline/test_interruptions.py.)"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from digest import publish
from digest.errors import BuildError
from digest.lock import site_lock
from digest.publish import journal_path, publish_changes, recover

NAMES = st.sampled_from(["index.html", "zh/a.html", "zh/b.html", "en/a.html", "en/deep/c.html", "x.js"])
SITE = st.dictionaries(NAMES, st.binary(max_size=20), min_size=1)


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs but ``finally`` blocks, and publish
    cleans up in those only before its journal says "committing"."""


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def make_site(out: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)


@given(old=SITE, new=SITE, at=st.integers(1, 8))
def test_killed_at_any_rename_the_next_recover_publishes_the_whole_new_site(tmp_path_factory, old, new, at):
    out = tmp_path_factory.mktemp("site") / "output"
    make_site(out, old)
    real, count = os.replace, [0]

    def replace(src, dst):
        if str(src).endswith(publish.TMP_SUFFIX):
            count[0] += 1
            if count[0] == at:
                raise Killed
        return real(src, dst)

    publish.os.replace = replace
    try:
        publish_changes(out, new, set(new), {rel: ("", 0) for rel in old})
        killed = False
    except Killed:
        killed = True
    finally:
        publish.os.replace = real
    assert journal_path(out).exists() == killed
    recover(out)
    assert files_of(out) == new and not journal_path(out).exists()


@given(old=SITE, new=SITE)
def test_killed_before_the_commit_the_next_recover_keeps_the_whole_old_site(tmp_path_factory, old, new):
    out = tmp_path_factory.mktemp("site") / "output"
    make_site(out, old)
    real = publish._write_journal

    def write_journal(out_, phase, *a):
        if phase == "committing":
            raise Killed          # every temporary file is written, the journal still says "writing"
        return real(out_, phase, *a)

    publish._write_journal = write_journal
    leftover = None
    try:
        # (publish's own clean-up on an exception is what a SIGKILL skips: turn it off)
        publish.Path.unlink, unlink = (lambda self, missing_ok=False: None), publish.Path.unlink
        try:
            publish_changes(out, new, set(new), {rel: ("", 0) for rel in old})
        except Killed:
            leftover = journal_path(out).exists()
        finally:
            publish.Path.unlink = unlink
    finally:
        publish._write_journal = real
    if leftover:
        recover(out)
    assert files_of(out) == old and not journal_path(out).exists()


def test_a_journal_naming_files_outside_the_site_is_not_followed(tmp_path):
    out = tmp_path / "output"
    make_site(out, {"index.html": b"old", ".index.html.digest-tmp": b"new"})
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    journal_path(out).write_text(json.dumps({"version": 1, "phase": "committing", "temps": ["index.html"],
                                             "remove": ["../victim.txt"]}), encoding="utf-8")
    said = recover(out)
    assert victim.read_text() == "keep"
    assert "unreadable" in said and files_of(out) == {"index.html": b"old"}
    assert not journal_path(out).exists()


def test_recover_removes_a_staging_folder_left_by_a_killed_first_build(tmp_path):
    out = tmp_path / "output"
    (tmp_path / ".output.staging" / "zh").mkdir(parents=True)
    assert "removed .output.staging" in recover(out)
    assert not (tmp_path / ".output.staging").exists() and recover(out) is None


def test_the_lock_names_its_holder_and_is_free_again_afterwards(tmp_path):
    out = tmp_path / "output"
    said = []
    with site_lock(out):
        with pytest.raises(BuildError) as e:
            with site_lock(out, wait=0, say=said.append):
                pass
        assert f"is running (pid {os.getpid()}, since" in str(e.value) and "--wait 0" in str(e.value)
        with pytest.raises(BuildError) as e:
            with site_lock(out, wait=0.3, say=said.append):
                pass
        assert "gave up after waiting 0.3 s" in str(e.value)
        assert len(said) == 1 and "waiting for it" in said[0]
    with site_lock(out, wait=0):
        pass


def test_recover_puts_back_the_old_site_when_killed_between_the_two_renames_of_a_swap(tmp_path):
    out = tmp_path / "output"
    make_site(tmp_path / ".output.old", {"index.html": b"old"})
    make_site(tmp_path / ".output.staging", {"index.html": b"new, maybe incomplete"})
    said = recover(out)
    assert files_of(out) == {"index.html": b"old"} and "put back" in said
    assert not (tmp_path / ".output.old").exists() and not (tmp_path / ".output.staging").exists()
