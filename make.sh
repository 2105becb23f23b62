#!/usr/bin/env bash
# The project's two commands (see README):
#   ./make.sh site [build.py options]   set up .venv, fetch the model once, build seeds/ -> output/
#   ./make.sh test [pytest options]     set up .venv with test tools and chromium, run the test suite
# and one more for measurements:
#   ./make.sh bench [--n 1000 5000]     print the benchmark figures (ingest speed and fidelity, translation, publishing, whole site vs Hugo/Pelican)
#   ./make.sh fuzz                      the property tests with 5,000 fresh random examples each
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}

venv() {  # venv EXTRAS: create .venv and install the project (pinned) with EXTRAS, once per pyproject change
    [ -x .venv/bin/python ] || "$PY" -m venv .venv
    local stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-${1:-base}"
    if [ ! -f "$stamp" ]; then
        .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
        .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${1:+[$1]}"
        touch "$stamp"
    fi
    # the project's own bytecode (pip compiles installed packages, not an editable one): without
    # it every run compiles digest/ again where bytecode is not written (PYTHONDONTWRITEBYTECODE),
    # about 0.1 s of each build; up to date, this takes a few milliseconds
    .venv/bin/python -m compileall -q digest >/dev/null
}

need_apt() {  # need_apt COMMAND PACKAGE: install a Debian package when its command is missing
    command -v "$1" >/dev/null 2>&1 && return 0
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "installing Debian package $2 ..." >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
}

verb=${1:-site}; shift || true
case "$verb" in
    site)
        venv
        .venv/bin/python build.py fetch-model --quiet
        exec .venv/bin/python build.py "$@"
        ;;
    test)
        venv test
        need_apt chromium chromium
        need_apt epubcheck epubcheck      # the EPUB test validates output's digest.epub
        # CJK fonts, so the browser test's screenshots show Chinese rather than empty boxes
        fc-list :lang=zh 2>/dev/null | grep -q . || need_apt no-such-command fonts-noto-cjk
        .venv/bin/python build.py fetch-model --quiet
        exec .venv/bin/python -m pytest "$@"
        ;;
    fuzz)   # the property tests with 5,000 fresh examples each (the suite uses a fixed 300)
        venv test
        exec .venv/bin/python -m pytest -q -p no:cacheprovider --hypothesis-profile=fuzz \
            tests/ingest/test_properties.py tests/render/test_markdown_keywords.py "$@"
        ;;
    bench)
        venv bench
        need_apt hugo hugo
        .venv/bin/python build.py fetch-model --quiet
        # the WMT21 test set is read from ../shared/bench/mt/ (never committed)
        for b in ingest_speed ingest_fidelity mt_speed mt_quality publish_cost; do echo "== bench/$b.py"; .venv/bin/python "bench/$b.py"; done
        echo "== bench/ssg_compare.py"; .venv/bin/python bench/ssg_compare.py "$@"
        ;;
    *)
        echo "usage: ./make.sh site|test|bench|fuzz [options]" >&2; exit 2 ;;
esac
