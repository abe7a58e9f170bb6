echo "mode $FAKE_MODE"
