#!/usr/bin/env bash
# A hand-written git-scraping pipeline: the reference leakmirror's sync is measured against
# (bench/sync-bench.ts runs it cold, warm and incremental exactly like leakmirror).
#
#   bench/reference/pipeline.sh <index-url> <dir>
#
# What a person would write in an afternoon: fetch the index page, take every document link out of it
# with grep, fetch every URL with `wget -N` (timestamping: If-Modified-Since where the server sent a
# Last-Modified, a full download where it did not; one wget process, so keep-alive is used), convert
# every PDF with pdftotext and every HTML page with html2text (JOBS processes at once, default: the
# number of cores), then `git add -A && git commit` once per run when anything changed.
#
# <dir>/repo is the git repository (raw/ the downloads, text/ the converted text); <dir>/index.html and
# <dir>/urls.txt are working files outside it. Like most such scripts it converts every file again on
# every run (it cannot tell cheaply which downloads changed), and makes one commit per run, not one
# per document. Needs: bash, wget, pdftotext (poppler-utils), html2text, git, xargs.
set -euo pipefail

index_url=${1:?usage: pipeline.sh <index-url> <dir>}
dir=${2:?usage: pipeline.sh <index-url> <dir>}
jobs=${JOBS:-$(nproc)}

mkdir -p "$dir/repo/raw" "$dir/repo/text"
cd "$dir"
if [ ! -d repo/.git ]; then
  git -C repo init -q
  git -C repo config user.name 'pipeline'
  git -C repo config user.email 'pipeline@localhost'
fi

# 1. The index page, and the document links in it (relative links under docs/).
wget -q -O index.html "$index_url"
base=${index_url%/}/
grep -o 'href="docs/[^"]*"' index.html | sed -e 's/^href="//' -e 's/"$//' -e "s|^|$base|" > urls.txt

# 2. Every document, timestamped; the directory tree of the URL is kept under raw/ (-x, without the host).
(cd repo/raw && wget -q -N -x -nH -i ../../urls.txt)

# 3. Every file to text, text/<same path>.txt.
convert() {
  for f in "$@"; do
    t="text/${f#raw/}.txt"
    mkdir -p "${t%/*}"
    case $f in
      *.pdf) pdftotext -q -enc UTF-8 "$f" "$t" ;;
      *.html) html2text -utf8 -nobs -o "$t" "$f" ;;
    esac
  done
}
export -f convert
(cd repo && find raw -type f \( -name '*.pdf' -o -name '*.html' \) -print0 | xargs -0 -r -n 32 -P "$jobs" bash -c 'convert "$@"' convert)

# 4. One commit for the run, if anything changed.
cd repo
git add -A
if ! git diff --cached --quiet; then
  git commit -q -m "sync $(date -u +%Y-%m-%dT%H:%M:%SZ)"
fi
