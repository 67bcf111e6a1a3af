#!/usr/bin/env bash
# bench.sh runs ward's end-to-end stdio benchmark (make bench): bench/loadclient
# drives bench/echoserver over these paths,
#
#   direct        loadclient -> echoserver
#   rawpipe       loadclient -> rawpipe (io.Copy both ways) -> echoserver
#   ward          loadclient -> ward proxy (name lists on, decision log to a file) -> echoserver
#   ward-lock     the same with --lock (run-time pinning of the echo server's lock)
#   ward-policy   the same with --policy (the default detectors, a project root)
#   ward-audit    the same with the SQLite audit trail on
#
# for ROUNDS rounds, the paths interleaved within each round (in reverse
# order every other round), and prints the
# medians and the ratios ward/rawpipe against ward's targets (see
# docs/benchmarks.md). The raw per-run reports are kept in .cache/bench/.
#
# Settings (environment): ROUNDS (5), SEQ (20000 sequential calls),
# PIPELINED (100000 pipelined calls), INFLIGHT (64), SIZE (64-byte echo text),
# PATHS (all of the above, space-separated).
set -euo pipefail

cd "$(dirname "$0")/.."

rounds=${ROUNDS:-5}
seq_calls=${SEQ:-20000}
pipe_calls=${PIPELINED:-100000}
inflight=${INFLIGHT:-64}
size=${SIZE:-64}

out=.cache/bench
mkdir -p "$out"
echo "bench: building bench programs and ward" >&2
go build -o "$out/" ./bench/echoserver ./bench/rawpipe ./bench/loadclient ./bench/benchreport
go build -o "$out/ward" ./cmd/ward

read -r -a paths <<<"${PATHS:-direct rawpipe ward ward-lock ward-policy ward-audit}"

wardlog=$out/ward-decisions.log
# What every ward path shares: name lists on, every decision logged as JSON.
wardbase="$out/ward proxy --deny-tools nothing* --allow-tools * --log-format json --log-file $wardlog"
"$out/ward" lock -o "$out/bench-lock.json" -- "$out/echoserver" >/dev/null
printf 'version: 1\nfilesystem:\n  roots:\n    - path: %s\n      mode: read-write\n' "$PWD" >"$out/bench-policy.yaml"
command_for() {
	case $1 in
	direct) echo "$out/echoserver" ;;
	rawpipe) echo "$out/rawpipe -- $out/echoserver" ;;
	ward) echo "$wardbase --audit none -- $out/echoserver" ;;
	ward-lock) echo "$wardbase --audit none --lock $out/bench-lock.json -- $out/echoserver" ;;
	ward-policy) echo "$wardbase --audit none --policy $out/bench-policy.yaml -- $out/echoserver" ;;
	ward-audit) echo "$wardbase --audit sqlite:$out/bench-audit.db -- $out/echoserver" ;;
	*) echo "bench: unknown path $1" >&2; exit 2 ;;
	esac
}
rm -f "$out"/bench-audit.db*

results=$out/results-$(date -u +%Y%m%dT%H%M%SZ).jsonl
: >"$results"
for round in $(seq 1 "$rounds"); do
	# Every other round runs the paths in reverse order, so that a machine
	# getting faster or slower within a round does not favour the paths
	# that come first.
	order=("${paths[@]}")
	if ((round % 2 == 0)); then
		order=()
		for ((k = ${#paths[@]} - 1; k >= 0; k--)); do
			order+=("${paths[k]}")
		done
	fi
	for p in "${order[@]}"; do
		echo "bench: round $round/$rounds: $p" >&2
		rm -f "$wardlog"
		# The command is split on spaces on purpose: no path here has one, and
		# the glob characters are kept literal by set -f.
		set -f
		# shellcheck disable=SC2046
		"$out/loadclient" -json -label "$p" -seq "$seq_calls" -pipelined "$pipe_calls" \
			-inflight "$inflight" -size "$size" -- $(command_for "$p") >>"$results"
		set +f
		if [[ $p == ward && $round == 1 ]]; then
			echo "bench: ward logged $(wc -l <"$wardlog") decision lines in round 1" >&2
		fi
	done
done

echo
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(go version | cut -d' ' -f3-), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo
for p in "${paths[@]}"; do
	[[ $p == ward* ]] || continue
	"$out/benchreport" -base rawpipe -target "$p" <"$results"
	echo
done
echo
echo "raw reports: $results"
