#!/usr/bin/env bash
# Run a command with a real CUPS print queue, e.g.  scripts/with-printer.sh .venv/bin/pytest
#
# As root, with cupsd and cups-pdf installed (scripts/system-packages.sh), this starts a
# private CUPS scheduler of its own: configuration, spool, logs and socket all live in a
# throwaway folder, it listens only on a Unix socket there (no TCP port, no browsing),
# and CUPS_SERVER points lp, lpstat and Qt at it. A system cupsd, running or not, is
# left alone. On it one queue, pact-test-pdf, prints through the cups-pdf backend into
# the throwaway folder. The command then gets
#   CUPS_SERVER            the private scheduler's socket
#   PACT_TEST_PRINTER      the queue's name (pact-test-pdf)
#   PACT_TEST_PRINT_DIR    the folder the printed PDFs appear in (in a subfolder or not)
#   PACT_TEST_PRINT_LOG    the folder of the scheduler's and cups-pdf's logs (error_log)
# Afterwards the scheduler is stopped and the folder removed. Without root or without
# CUPS the command runs without those variables (printing tests skip, or fail under
# PACT_REQUIRE_PRINTER=1). Exits with the command's exit status.
#
# cups-pdf reads its settings from a path compiled in, whatever the scheduler's
# ServerRoot: /etc/cups/cups-pdf.conf for the device cups-pdf:/, and
# /etc/cups/cups-pdf-NAME.conf for the device cups-pdf:/NAME. Its queue's PPD cannot set
# the folders instead (libcups cuts a PPD default at its first "/"). So the queue's
# device is cups-pdf:/NAME with a NAME of its own for each run, and the one file
# /etc/cups/cups-pdf-NAME.conf (Out, AnonDirName, Spool and Log in the throwaway folder)
# exists while the command runs; the shared cups-pdf.conf is never touched.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 64
fi

QUEUE=pact-test-pdf
CUPSD=/usr/sbin/cupsd
BACKEND=/usr/lib/cups/backend/cups-pdf
PPD_SOURCE=/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd

without_printer() {
    echo "$0: no test printer ($1); running without PACT_TEST_PRINTER" >&2
    shift
    unset PACT_TEST_PRINTER PACT_TEST_PRINT_DIR PACT_TEST_PRINT_LOG
    exec "$@"
}

if [ "$(id -u)" -ne 0 ]; then
    without_printer "needs root to start a CUPS scheduler with the cups-pdf backend" "$@"
fi
for need in "$CUPSD" "$BACKEND" "$PPD_SOURCE"; do
    if [ ! -e "$need" ]; then
        without_printer "$need is missing; see scripts/system-packages.sh" "$@"
    fi
done
for tool in lpadmin lpstat; do
    if ! command -v "$tool" >/dev/null; then
        without_printer "$tool is missing; see scripts/system-packages.sh" "$@"
    fi
done

base="$(mktemp -d "${TMPDIR:-/tmp}/pact-cups.XXXXXX")"
if [ "${#base}" -gt 80 ]; then # a Unix socket's path holds at most 107 bytes
    rmdir "$base"
    base="$(mktemp -d /tmp/pact-cups.XXXXXX)"
fi
device_name="pact-test-${base##*.}"
device_conf="/etc/cups/cups-pdf-$device_name.conf"
daemon_pid=""
# shellcheck disable=SC2317  # run by the EXIT trap (shellcheck sees the exec above)
cleanup() {
    if [ -n "$daemon_pid" ]; then
        kill "$daemon_pid" 2>/dev/null || true
        # cupsd stops its jobs' filters and backend as it exits; wait for it (a few
        # seconds at most) so nothing writes into the folder while it is removed.
        for _ in $(seq 50); do
            kill -0 "$daemon_pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rm -f "$device_conf"
    rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 130' INT # Ctrl+C and kill clean up too (once the command has ended)
trap 'exit 143' TERM

# The filters run as the scheduler's user (lp), so they must be able to pass through.
chmod 711 "$base"
mkdir -m 755 "$base/conf" "$base/conf/ppd" "$base/cache" "$base/log"
mkdir -m 710 "$base/spool"
mkdir -m 1770 "$base/spool/tmp"
mkdir -m 711 "$base/state"
chgrp lp "$base/spool" "$base/spool/tmp"
mkdir -m 755 "$base/pdf"
socket="$base/cups.sock"

cat >"$base/cups-files.conf" <<EOF
ServerRoot $base/conf
RequestRoot $base/spool
TempDir $base/spool/tmp
CacheDir $base/cache
StateDir $base/state
ErrorLog $base/log/error_log
AccessLog $base/log/access_log
PageLog $base/log/page_log
User lp
Group lp
SystemGroup root
PeerCred on
CreateSelfSignedCerts no
Printcap $base/printcap
EOF

cat >"$base/conf/cupsd.conf" <<EOF
LogLevel warn
Listen $socket
Browsing No
BrowseLocalProtocols none
WebInterface No
DefaultShared No
<Location />
  Order allow,deny
  Allow localhost
</Location>
# Anyone may print; a job is its owner's (or root's); the queue is root's to change.
<Policy default>
  JobPrivateAccess default
  JobPrivateValues default
  SubscriptionPrivateAccess default
  SubscriptionPrivateValues default
  <Limit Create-Job Print-Job Print-URI Validate-Job>
    Order deny,allow
  </Limit>
  <Limit Send-Document Send-URI Hold-Job Release-Job Restart-Job Purge-Jobs Set-Job-Attributes Create-Job-Subscription Renew-Subscription Cancel-Subscription Get-Notifications Reprocess-Job Cancel-Current-Job Suspend-Current-Job Resume-Job Cancel-My-Jobs Close-Job CUPS-Move-Job CUPS-Get-Document Cancel-Job CUPS-Authenticate-Job>
    Require user @OWNER @SYSTEM
    Order deny,allow
  </Limit>
  <Limit CUPS-Add-Modify-Printer CUPS-Delete-Printer CUPS-Add-Modify-Class CUPS-Delete-Class CUPS-Set-Default CUPS-Get-Devices Pause-Printer Resume-Printer Enable-Printer Disable-Printer Pause-Printer-After-Current-Job Hold-New-Jobs Release-Held-New-Jobs Deactivate-Printer Activate-Printer Restart-Printer Shutdown-Printer Startup-Printer Promote-Job Schedule-Job-After Cancel-Jobs CUPS-Accept-Jobs CUPS-Reject-Jobs>
    AuthType Default
    Require user @SYSTEM
    Order deny,allow
  </Limit>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
EOF

# cups-pdf's settings for this queue's device (see the top); the job's user owns the
# files it writes into Out (root here), AnonDirName takes jobs of unknown users.
cat >"$device_conf" <<EOF
# written by pact's scripts/with-printer.sh for its test queue; removed when it ends
Out $base/pdf
AnonDirName $base/pdf
Spool $base/cups-pdf-spool
Log $base/log
Grp lp
EOF

export CUPS_SERVER="$socket"
"$CUPSD" -f -c "$base/conf/cupsd.conf" -s "$base/cups-files.conf" &
daemon_pid=$!

# lpstat -r exits 0 either way; its (untranslated) answer tells.
answers() { [ "$(LC_ALL=C lpstat -r 2>/dev/null)" = "scheduler is running" ]; }
for _ in $(seq 100); do
    if answers; then
        break
    fi
    if ! kill -0 "$daemon_pid" 2>/dev/null; then
        daemon_pid=""
        echo "$0: the CUPS scheduler did not start; its log:" >&2
        cat "$base/log/error_log" >&2 2>/dev/null || true
        exit 1
    fi
    sleep 0.05
done
if ! answers; then
    echo "$0: the CUPS scheduler does not answer on $socket" >&2
    exit 1
fi

# A failed job is aborted, not retried, so a test sees the failure at once. lpadmin warns
# that printer drivers are deprecated: shown only when it fails.
if ! out="$(lpadmin -p "$QUEUE" -E -v "cups-pdf:/$device_name" -P "$PPD_SOURCE" \
    -o printer-error-policy=abort-job 2>&1)"; then
    echo "$0: could not add the queue $QUEUE: $out" >&2
    exit 1
fi

export PACT_TEST_PRINTER="$QUEUE" PACT_TEST_PRINT_DIR="$base/pdf" PACT_TEST_PRINT_LOG="$base/log"

set +e
"$@"
status=$?
set -e
exit "$status"
