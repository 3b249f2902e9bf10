#!/bin/sh
# Disk usage of the directories listed in LANTERN_DIRECTORY_SIZES (separated by spaces or
# newlines; default /var/log), as du(1) counts it: blocks allocated, in bytes. A directory
# that is missing or only partly readable still gets its size (what du could count) and
# lantern_directory_size_error 1. Prints the Prometheus text format on stdout.
set -u
directories=${LANTERN_DIRECTORY_SIZES:-/var/log}

escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

sizes=""
errors=""
for directory in $directories; do
    label=$(escape "$directory")
    # -k and -s are POSIX; -x keeps du on the directory's own filesystem.
    if output=$(du -skx -- "$directory" 2>/dev/null) && [ -n "$output" ]; then
        error=0
    else
        error=1
    fi
    kilobytes=${output%%[!0-9]*}
    if [ -n "$kilobytes" ]; then
        sizes="$sizes
lantern_directory_size_bytes{path=\"$label\"} $((kilobytes * 1024))"
    fi
    errors="$errors
lantern_directory_size_error{path=\"$label\"} $error"
done

echo "# HELP lantern_directory_size_bytes Disk space used by the directory tree, as du counts it."
echo "# TYPE lantern_directory_size_bytes gauge"
[ -n "$sizes" ] && printf '%s\n' "$sizes" | sed '/^$/d'
echo "# HELP lantern_directory_size_error 1 if du could not measure all of the directory."
echo "# TYPE lantern_directory_size_error gauge"
[ -n "$errors" ] && printf '%s\n' "$errors" | sed '/^$/d'
exit 0
