echo "warning from $FAKE_MODE" >&2
