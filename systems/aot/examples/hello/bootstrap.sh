#!/bin/bash
# Example stage: installs two commands that read the cluster's facts when they run, so they stay
# right when members come and go without this stage running again.
#   aot-members      lists the members: name, private address, hostname
#   aot-check-trust  runs hostname as root on every member over SSH, with strict host-key checking
# AOT_ROOT is set only by strata's tests, to install below a scratch directory.
set -euo pipefail
root=${AOT_ROOT:-}
install -D -m 0755 aot-members "$root/usr/local/bin/aot-members"
install -D -m 0755 aot-check-trust "$root/usr/local/bin/aot-check-trust"
echo "installed aot-members and aot-check-trust"
