#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# cycle. A node is a source area: src/x.c and src/x.h together are "x"; ebla_chat.c is
# "ebla_chat". Only the project's own headers count (#include "..."), not PHP's or hiredis'.
# Usage: scripts/include-graph.sh [--dot]   (--dot prints Graphviz input instead)
set -euo pipefail
cd "$(dirname "$0")/.."

edges=$(
	for f in ebla_chat.c src/*.c src/*.h; do
		from=$(basename "$f"); from=${from%.*}
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*/\1/p' "$f" | while read -r inc; do
			to=$(basename "$inc")
			[ -e "src/$to.h" ] || continue
			[ "$to" = "$from" ] || echo "$from $to"
		done
	done | sort -u
)

if [ "${1:-}" = "--dot" ]; then
	echo "digraph includes {"
	echo "$edges" | awk 'NF == 2 { printf "  \"%s\" -> \"%s\";\n", $1, $2 }'
	echo "}"
else
	echo "$edges" | awk 'NF == 2 { print $1 " -> " $2 }'
fi

if ! out=$(echo "$edges" | tsort 2>&1 >/dev/null) || [ -n "$out" ]; then
	echo "include-graph: the include graph has a cycle:" >&2
	echo "$out" | sed 's/^tsort: //' >&2
	exit 1
fi
echo "include-graph: no cycle" >&2
