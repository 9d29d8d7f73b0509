#!/usr/bin/env bash
# Install the Debian packages Reelgraph's tests and benchmarks use, when missing:
#   ffmpeg   (ffprobe for checking written videos; the encoder benchmark's baseline)
#   chromium (headless browser for the editor tests; never downloaded by playwright)
# Needs root (or sudo) and apt-get; otherwise it says what to install and carries on.
set -u
missing=()
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: please install ${missing[*]} with your package manager" >&2; exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
echo "installing Debian packages: ${missing[*]}" >&2
$sudo apt-get update -qq >/dev/null && \
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || echo "warning: could not install ${missing[*]}; tests that need them will say so" >&2
