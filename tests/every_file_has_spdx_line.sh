#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every file of the project carries the licence's SPDX line in its first three lines (after a
# shebang or a shellcheck directive), except those that cannot hold a comment or are not ours
# to mark: the listed documents, the Debian changelog and copyright file, the fuzz corpus.
#   every_file_has_spdx_line.sh SOURCE_DIR
# In a git checkout it checks the files git tracks; in an unpacked tree, every file outside
# build directories.
set -euo pipefail
cd "$1"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	list() { git ls-files; }
else
	list() { find . -type f ! -path './.git/*' ! -path './build*' ! -path './tests/fuzz/out/*' | sed 's|^\./||'; }
fi
missing=0 checked=0
while IFS= read -r f; do
	case $f in
	*.md | LICENSE | .gitignore | tests/fuzz/corpus/* | config/packaging/debian/changelog.in | \
		config/packaging/debian/copyright) continue ;;
	esac
	[ -f "$f" ] || continue # deleted in the work tree, not yet committed
	checked=$((checked + 1))
	if ! head -n 3 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0'; then
		echo "FAIL: no SPDX-License-Identifier line in the first 3 lines of $f"
		missing=$((missing + 1))
	fi
done < <(list)
echo "spdx: checked=$checked missing=$missing"
[ "$missing" -eq 0 ]
