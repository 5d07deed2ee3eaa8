#!/usr/bin/env bash
# The test command: sets up what is missing, then runs every test: the time-server protocol
# conformance suite (Rust server and edge Worker in workerd), the article client on the
# sample show, the event page's runtime, and the workspace's Rust tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Builds the binaries with the tests' features (dev-dependencies add features to egui and
# friends), so `cargo test` below reuses every artifact instead of building twice.
cargo test --workspace --no-run
(cd edge && npm ci --no-audit --no-fund --loglevel=error)
bash tests/conformance/run.sh
bash tests/conformance/sample_show.sh
# The event page's runtime: pure modules on node's runner, against the Rust vectors.
node --test web/test/
# The event page in headless chromium against the real time server (about 1.5 minutes).
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error && node --test --test-concurrency=1)
cargo test --workspace
