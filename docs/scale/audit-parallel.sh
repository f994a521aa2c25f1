#!/usr/bin/env bash
# Audits many repositories on one big machine with GNU parallel, then merges the reports.
#
#   docs/scale/audit-parallel.sh repos.txt [OUT]
#
# repos.txt: one clone URL or local path per line (# comments allowed). Each repository is
# cloned with its full history and scanned with `leakguard scan --git`, one job per core
# (JOBS=N to change); OUT (default ./audit) gets reports/NAME.json, audit.html, audit.json and
# audit.sarif. Exit: that of the merge (0 clean, 1 findings, 2 a scan or the merge failed).
set -euo pipefail
list=${1:?usage: audit-parallel.sh repos.txt [OUT]}
out=${2:-audit}
export LEAKGUARD=${LEAKGUARD:-leakguard}
mkdir -p "$out/reports" "$out/clones"

# The one-liner: clone, scan the history (exit 1 = findings, which is not a failure here), drop the clone.
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$list" | parallel --will-cite --jobs "${JOBS:-$(nproc)}" --halt soon,fail=1 \
  'git clone --quiet {} '"$out"'/clones/{/.} && { "$LEAKGUARD" scan --git --threads 1 '"$out"'/clones/{/.} --format json --report-path '"$out"'/reports/{/.}.json || [ $? -eq 1 ]; } && rm -rf '"$out"'/clones/{/.}'

status=0
"$LEAKGUARD" report merge "$out"/reports/*.json --format json --report-path "$out/audit.json" || status=$?
[ "$status" -le 1 ] || exit "$status"
"$LEAKGUARD" report merge "$out"/reports/*.json --format sarif --report-path "$out/audit.sarif" 2>/dev/null || true
"$LEAKGUARD" report merge "$out"/reports/*.json --format html --report-path "$out/audit.html" 2>/dev/null || true
echo "audit: $out/audit.html" >&2
exit "$status"
