#!/usr/bin/env bash
# `make run`: open the window, on a virtual display (Xvfb) when this machine has none.
#
#   packaging/run-app.sh COMMAND [ARGS...]     e.g. packaging/run-app.sh .venv/bin/isms-gui --demo
#
# With a display (DISPLAY or WAYLAND_DISPLAY set), with a Qt platform chosen (QT_QPA_PLATFORM),
# or off Linux, it only runs COMMAND. Otherwise it starts Xvfb on a free display number, says how
# to look at the window and how to stop it, runs COMMAND there, and stops Xvfb when COMMAND ends
# or on Ctrl+C. XVFB names the Xvfb to run (default: Xvfb on the PATH).
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

if [ "$(uname -s)" != Linux ] || [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] \
        || [ -n "${QT_QPA_PLATFORM:-}" ]; then
    exec "$@"
fi

xvfb=${XVFB:-Xvfb}
if ! command -v "$xvfb" >/dev/null 2>&1; then
    cat >&2 <<EOF
isms: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset), and no Xvfb to
make a virtual one. Install Xvfb (Debian/Ubuntu: sudo apt-get install xvfb; Fedora: sudo dnf
install xorg-x11-server-Xvfb) and run this again, or use the command line: .venv/bin/isms --help
EOF
    echo "isms: not started: no display and no Xvfb" >&2
    exit 1
fi

work=$(mktemp -d)
xvfb_pid=
app_pid=
stop() {
    trap - EXIT INT TERM
    if [ -n "$app_pid" ]; then kill -TERM "$app_pid" 2>/dev/null || true; wait "$app_pid" || true; fi
    if [ -n "$xvfb_pid" ]; then kill -TERM "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" || true; fi
    rm -rf "$work"
}
trap stop EXIT
# Commands started in the background ignore Ctrl+C in a script, so it is handled here: the
# window is closed (SIGTERM), then the virtual display; then this script ends as interrupted, so
# its caller (make) stops too.
interrupted() {
    echo
    echo "Stopping the window and the virtual display."
    stop
    trap - INT
    kill -INT $$
}
trap interrupted INT
trap 'exit 143' TERM

# -displayfd: Xvfb takes the first free display number and writes it once it accepts clients.
"$xvfb" -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do
    [ -s "$work/display" ] && break
    if ! kill -0 "$xvfb_pid" 2>/dev/null; then
        xvfb_pid=
        { echo "isms: Xvfb could not start:"; cat "$work/xvfb.log"; } >&2
        exit 1
    fi
    sleep 0.1
done
if [ ! -s "$work/display" ]; then
    echo "isms: Xvfb did not start within 10 seconds:" >&2
    cat "$work/xvfb.log" >&2
    exit 1
fi
display=":$(head -n 1 "$work/display")"

cat <<EOF
No display here (DISPLAY and WAYLAND_DISPLAY are unset): the window runs on a virtual display,
$display (Xvfb, 1600x1000), which no screen shows. To look at it, from another terminal:
    import -display $display -window root window.png     a screenshot (package imagemagick)
    x11vnc -display $display -localhost                  then a VNC viewer on localhost:5900
Ctrl+C here closes the window and stops the virtual display.
EOF

status=0
DISPLAY=$display "$@" &
app_pid=$!
wait "$app_pid" || status=$?
app_pid=
exit "$status"
