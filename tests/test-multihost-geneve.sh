#!/bin/bash
# test-multihost-geneve: a geneve tunnel network across three simulated hosts
# (IPv4 underlay); see tests/test-multihost-tunnel.sh.
exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/test-multihost-tunnel.sh" geneve 4
