#!/usr/bin/env bash
# The Debian packages pact's tests (and the GUI under Xvfb) need.
#   scripts/system-packages.sh --list      print them, one a line
#   scripts/system-packages.sh --missing   print those not installed
#   scripts/system-packages.sh --install   install the missing ones (root; apt-get)
# Installed packages are checked with dpkg-query first, so a ready machine costs nothing.
set -euo pipefail

PACKAGES=(
    # a real Secret Service for the keyring tests, on a private session bus
    dbus             # dbus-run-session, dbus-send (via dbus-bin)
    gnome-keyring    # gnome-keyring-daemon --unlock
    dbus-x11         # satisfies gnome-keyring's dbus-session-bus without systemd's user session
    # PDFs rendered to PNG in the report tests
    poppler-utils    # pdftoppm
    # a real print queue for the printing tests (scripts/with-printer.sh)
    cups             # cupsd, the print server
    cups-client      # lpadmin, lpstat, lp
    libcups2         # the CUPS library Qt's print support loads at runtime
    printer-driver-cups-pdf  # the cups-pdf backend (with Ghostscript): a queue that writes PDFs
    # a display for screenshots (the tests themselves run Qt offscreen)
    xvfb
    xauth            # xvfb-run needs it
    # fonts for Qt; the PDF fonts are bundled in resources/fonts
    fonts-dejavu-core
    # the shared libraries PySide6's Qt (QtGui/QtWidgets, offscreen and xcb platform
    # plugins) loads that a minimal Debian lacks (found with ldd on PySide6 6.x)
    libdbus-1-3
    libegl1
    libgl1
    libfontconfig1
    libfreetype6
    libglib2.0-0
    libxkbcommon0
    libxkbcommon-x11-0
    libx11-6
    libx11-xcb1
    libxcb1
    libxcb-cursor0
    libxcb-glx0
    libxcb-icccm4
    libxcb-image0
    libxcb-keysyms1
    libxcb-randr0
    libxcb-render0
    libxcb-render-util0
    libxcb-shape0
    libxcb-shm0
    libxcb-sync1
    libxcb-util1
    libxcb-xfixes0
    libxcb-xkb1
)

# a throwaway PostgreSQL server for the team-server tests (tests/postgres.py): the
# binaries initdb, pg_ctl and postgres, from PATH or Debian's postgresql package
have_postgres() {
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

missing() {
    local pkg
    for pkg in "${PACKAGES[@]}"; do
        if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != "installed" ]; then
            echo "$pkg"
        fi
    done
    have_postgres || echo postgresql
}

case "${1:---list}" in
    --list)
        printf '%s\n' "${PACKAGES[@]}" postgresql
        ;;
    --missing)
        missing
        ;;
    --install)
        mapfile -t todo < <(missing)
        if [ "${#todo[@]}" -eq 0 ]; then
            echo "system packages: all present"
            exit 0
        fi
        if [ "$(id -u)" -ne 0 ]; then
            echo "system packages missing (run as root, or: sudo apt-get install ${todo[*]})" >&2
            exit 0
        fi
        echo "system packages: installing ${todo[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${todo[@]}"
        ;;
    *)
        echo "usage: $0 [--list|--missing|--install]" >&2
        exit 64
        ;;
esac
