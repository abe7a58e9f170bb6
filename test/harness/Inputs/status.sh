echo same
[ "$FAKE_MODE" = jit ] && exit 3
exit 4
