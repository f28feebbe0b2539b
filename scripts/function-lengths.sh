#!/usr/bin/env bash
# ebla_chat: chat engine for EspoCRM
# Copyright (c) 2026 Ebla Chat team
# SPDX-License-Identifier: MIT (see the LICENSE file)
# Lists the functions of the engine's C sources longer than a limit (default 80 lines, from the
# opening brace to the closing one, both counted) and fails when there is any.
# Usage: scripts/function-lengths.sh [LIMIT]
# A function is what the project's style makes it: an opening brace alone in column 0, the
# closing one alone in column 0; its name is taken from the line before the brace.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-80}
awk -v limit="$limit" '
	/^\{/ { start = FNR; name = prev; next }
	/^\}/ { if (start && FNR - start + 1 > limit) { printf "%s:%d: %d lines: %s\n", FILENAME, start, FNR - start + 1, name; bad = 1 } start = 0; next }
	{ if (!start) prev = $0 }
	END { exit bad }
' ebla_chat.c src/*.c && echo "function-lengths: none over $limit lines" >&2
