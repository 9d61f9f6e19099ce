#!/usr/bin/env bash
# Run a command with a real, unlocked Secret Service (GNOME Keyring) on a private
# D-Bus session bus, e.g.  scripts/with-keyring.sh .venv/bin/pytest
#
# The keyring lives in a throwaway folder (its own XDG_DATA_HOME/XDG_RUNTIME_DIR),
# never in the user's own keyring, and is removed afterwards together with the daemon.
# Exits with the command's exit status.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 64
fi

if [ -z "${PACT_KEYRING_SESSION:-}" ]; then
    for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
        if ! command -v "$tool" >/dev/null; then
            echo "$0: $tool is missing (see scripts/system-packages.sh)" >&2
            exit 1
        fi
    done
    export PACT_KEYRING_SESSION=1
    # No display for the bus: D-Bus would start gnome-keyring's password prompter
    # (gcr-prompter) there, so a locked keyring would open a window on the developer's
    # desktop and wait. Without one the prompt fails at once (the keyring stays locked).
    export PACT_SAVED_DISPLAY="${DISPLAY:-}" PACT_SAVED_WAYLAND_DISPLAY="${WAYLAND_DISPLAY:-}"
    exec env -u DISPLAY -u WAYLAND_DISPLAY dbus-run-session -- bash "$0" "$@"
fi

# From here on we run inside dbus-run-session's private session bus.
keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/pact-keyring.XXXXXX")"
chmod 700 "$keyring_home"
daemon_pid=""
cleanup() {
    if [ -n "$daemon_pid" ]; then
        kill "$daemon_pid" 2>/dev/null || true
    fi
    rm -rf "$keyring_home"
}
trap cleanup EXIT

mkdir -m 700 "$keyring_home/data" "$keyring_home/run"
export XDG_RUNTIME_DIR="$keyring_home/run"

# --unlock reads the new login keyring's password from stdin, so the keyring is
# created unlocked; --daemonize returns once the daemon owns org.freedesktop.secrets.
# It prints the variables to export (none when XDG_RUNTIME_DIR is set: the control
# socket is then $XDG_RUNTIME_DIR/keyring/control).
env_lines="$(printf '%s' "pact-test-keyring" \
    | XDG_DATA_HOME="$keyring_home/data" \
      gnome-keyring-daemon --unlock --daemonize --components=secrets)"
while IFS='=' read -r name value; do
    case "$name" in
        GNOME_KEYRING_CONTROL | GNOME_KEYRING_PID | SSH_AUTH_SOCK) export "$name=$value" ;;
    esac
done <<<"$env_lines"

# The daemon's pid, asked from the bus (so we stop exactly this daemon afterwards).
for _ in $(seq 50); do
    if reply="$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus / \
        org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null)"; then
        daemon_pid="$(awk '{print $2}' <<<"$reply")"
        break
    fi
    sleep 0.1
done
if [ -z "$daemon_pid" ]; then
    echo "$0: the Secret Service (gnome-keyring-daemon) did not start" >&2
    exit 1
fi

# The command itself gets the display back (screenshots under Xvfb set their own).
if [ -n "${PACT_SAVED_DISPLAY:-}" ]; then export DISPLAY="$PACT_SAVED_DISPLAY"; fi
if [ -n "${PACT_SAVED_WAYLAND_DISPLAY:-}" ]; then export WAYLAND_DISPLAY="$PACT_SAVED_WAYLAND_DISPLAY"; fi
unset PACT_SAVED_DISPLAY PACT_SAVED_WAYLAND_DISPLAY

set +e
"$@"
status=$?
set -e
exit "$status"
