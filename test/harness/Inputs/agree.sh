echo "hello ${1:-nobody}"
while IFS= read -r line; do echo "read: $line"; done
echo "to stderr" >&2
exit "${2:-0}"
