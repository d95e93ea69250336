#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Mosquitto loads plugins RTLD_GLOBAL: the plugin must export its three entry points and
# nothing else, or its symbols could collide with another plugin's.
#   plugin_exports_only_entry_points.sh PLUGIN_SO [NM]
# NM: the binutils nm for the plugin's architecture (CMake's CMAKE_NM); by default nm.
set -euo pipefail
want=$'mosquitto_plugin_cleanup\nmosquitto_plugin_init\nmosquitto_plugin_version'
got=$("${2:-nm}" -D --defined-only "$1" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sort)
if [ "$got" != "$want" ]; then
	printf 'FAIL: exported symbols differ from the three entry points:\n%s\n' "$got"
	exit 1
fi
echo "exports: $(tr '\n' ' ' <<<"$got")"
