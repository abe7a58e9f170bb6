# COMPILE-ERROR
echo never
