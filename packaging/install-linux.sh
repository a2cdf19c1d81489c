#!/bin/sh
# Install this isms bundle for the current user; no root needed. Shipped as dist/isms/install.sh.
#
#   ./install.sh                 copy the bundle to ${XDG_DATA_HOME:-~/.local/share}/isms-app,
#                                link isms and isms-gui into ~/.local/bin, add the menu entry
#                                and the icons (hicolor) under ${XDG_DATA_HOME:-~/.local/share}
#   ./install.sh --prefix DIR    put the app folder at DIR instead
#   ./install.sh --uninstall     remove all of that again (pass the same --prefix, if any;
#                                the installed copy's own install.sh knows where it is)
#
# Running it again replaces the app folder (an upgrade) and rewrites the links, the menu entry and
# the icons. The registers, settings and logs (~/.local/share/isms, ~/.local/state/isms) are never
# touched: the app folder is named isms-app so it can never be the data folder. Only a folder
# this script made (it holds a .isms-app marker) is ever replaced or removed.
set -eu

APP_DIR_NAME=isms-app
MARKER=.isms-app
COMMANDS="isms isms-gui"

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

usage() {
    say "usage: install.sh [--prefix DIR] [--uninstall]"
    say "Installs isms for this user: the app in \${XDG_DATA_HOME:-~/.local/share}/$APP_DIR_NAME"
    say "(or DIR), commands in ~/.local/bin, a menu entry and icons. --uninstall removes them;"
    say "registers and logs are kept."
}

# An absolute path with symlinks resolved; the folder must exist.
real_dir() { (cd -P -- "$1" && pwd); }

# Whether the folder is one this script installed (or does not exist yet / is empty).
ours_or_absent() {
    [ ! -e "$1" ] && return 0
    [ -d "$1" ] || return 1
    [ -f "$1/$MARKER" ] && return 0
    [ -z "$(ls -A -- "$1")" ]
}

# The link in BIN_DIR points into the app folder (so it is ours to replace or remove).
link_is_ours() {
    [ -L "$1" ] || return 1
    case "$(readlink -- "$1")" in
        "$APP"/*) return 0 ;;
    esac
    return 1
}

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$APPLICATIONS" 2>/dev/null || true
    fi
    if command -v update-mime-database >/dev/null 2>&1 && [ -d "$MIME/packages" ]; then
        update-mime-database "$MIME" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$ICONS" ]; then
        gtk-update-icon-cache -q -t -f "$ICONS" 2>/dev/null || true
    fi
}

# Lists each icon file of the bundle at $1, relative to its share/icons/hicolor.
icon_files() {
    [ -d "$1/share/icons/hicolor" ] || return 0
    (cd "$1/share/icons/hicolor" && find . -type f | sed 's|^\./||' | sort)
}

remove_icons() {
    icon_files "$1" | while IFS= read -r rel; do
        rm -f -- "$ICONS/$rel"
        # Leave hicolor/ itself; drop the size folders this left empty.
        rmdir -- "$(dirname -- "$ICONS/$rel")" 2>/dev/null || true
        rmdir -- "$(dirname -- "$(dirname -- "$ICONS/$rel")")" 2>/dev/null || true
    done
}

install_app() {
    [ -x "$SRC/isms" ] && [ -x "$SRC/isms-gui" ] \
        || die "$SRC is not an isms bundle (no isms and isms-gui beside install.sh)"
    [ -f "$SRC/share/applications/isms.desktop" ] \
        || die "$SRC/share/applications/isms.desktop is missing"
    case "$APP" in
        *'"'* | *'`'* | *'$'* | *'\'* | *'
'*) die "cannot install into a path holding \" \` \$ \\ or a newline: $APP" ;;
    esac

    if [ "$SRC" != "$APP" ]; then
        ours_or_absent "$APP" || die "$APP exists and was not made by install.sh; not replacing it"
        parent=$(dirname -- "$APP")
        mkdir -p -- "$parent"
        staging="$APP.new.$$"
        rm -rf -- "$staging"
        trap 'rm -rf -- "$staging"' EXIT
        mkdir -- "$staging"
        cp -pR -- "$SRC/." "$staging/"
        : >"$staging/$MARKER"
        if [ -d "$APP" ]; then
            remove_icons "$APP"  # an older version's icons, in case its sizes differ
            rm -rf -- "$APP"
        fi
        mv -- "$staging" "$APP"
        trap - EXIT
        say "isms: app folder $APP"
    else
        : >"$APP/$MARKER"
        say "isms: app folder $APP (installing in place)"
    fi

    mkdir -p -- "$BIN_DIR"
    for command in $COMMANDS; do
        link="$BIN_DIR/$command"
        if [ -e "$link" ] || [ -L "$link" ]; then
            [ -L "$link" ] || die "$link exists and is not a link; remove it (pip --user?) and rerun"
            rm -f -- "$link"
        fi
        ln -s -- "$APP/$command" "$link"
    done
    say "isms: commands $BIN_DIR/isms and $BIN_DIR/isms-gui"

    # Exec gets the absolute path, quoted when it holds anything but plain characters.
    exec_path=$(printf '%s' "$APP/isms-gui" | sed 's/%/%%/g')  # % is a field code in Exec
    case "$exec_path" in
        *[!A-Za-z0-9/._+-]*) exec_value="\"$exec_path\"" ;;
        *) exec_value=$exec_path ;;
    esac
    exec_sed=$(printf '%s' "$exec_value" | sed 's/[&|\\]/\\&/g')
    mkdir -p -- "$APPLICATIONS"
    sed -e '/^#/d' -e "s|^Exec=.*|Exec=$exec_sed %f|" \
        "$APP/share/applications/isms.desktop" >"$APPLICATIONS/isms.desktop.tmp"
    mv -- "$APPLICATIONS/isms.desktop.tmp" "$APPLICATIONS/isms.desktop"
    say "isms: menu entry $APPLICATIONS/isms.desktop"

    icon_files "$APP" | while IFS= read -r rel; do
        mkdir -p -- "$(dirname -- "$ICONS/$rel")"
        cp -- "$APP/share/icons/hicolor/$rel" "$ICONS/$rel"
    done
    say "isms: icons under $ICONS"

    if [ -f "$APP/share/mime/packages/isms.xml" ]; then
        mkdir -p -- "$MIME/packages"
        cp -- "$APP/share/mime/packages/isms.xml" "$MIME/packages/isms.xml"
        say "isms: register files (*.isms) open with isms ($MIME/packages/isms.xml)"
    fi

    refresh_caches
    case ":${PATH:-}:" in
        *":$BIN_DIR:"*) ;;
        *) say "isms: note: $BIN_DIR is not on PATH; add it to run isms and isms-gui by name" ;;
    esac
    say "isms: installed. Registers and logs live in ~/.local/share/isms and ~/.local/state/isms."
}

uninstall_app() {
    for command in $COMMANDS; do
        if link_is_ours "$BIN_DIR/$command"; then
            rm -f -- "$BIN_DIR/$command"
        fi
    done
    desktop="$APPLICATIONS/isms.desktop"
    if [ -f "$desktop" ] && grep -q -F -- "$APP/isms-gui" "$desktop"; then
        rm -f -- "$desktop"
    fi
    if [ -d "$APP" ]; then
        [ -f "$APP/$MARKER" ] || die "$APP was not made by install.sh; not removing it"
        remove_icons "$APP"
        # The file type is ours when it is the copy this installation put there.
        if cmp -s -- "$APP/share/mime/packages/isms.xml" "$MIME/packages/isms.xml"; then
            rm -f -- "$MIME/packages/isms.xml"
        fi
    fi
    refresh_caches
    if [ -d "$APP" ]; then
        # Last: this script may itself live in the folder (sh has it open; that is fine).
        rm -rf -- "$APP"
    fi
    say "isms: uninstalled from $APP. Registers and logs (~/.local/share/isms) are kept."
}

main() {
    action=install
    prefix=
    while [ $# -gt 0 ]; do
        case $1 in
            --uninstall) action=uninstall ;;
            --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; prefix=$2; shift ;;
            --prefix=*) prefix=${1#--prefix=} ;;
            -h | --help) usage; exit 0 ;;
            *) usage >&2; exit 2 ;;
        esac
        shift
    done

    [ -n "${HOME:-}" ] || die "HOME is not set"
    DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
    case $DATA_HOME in /*) ;; *) DATA_HOME=$HOME/.local/share ;; esac  # XDG: relative is invalid
    BIN_DIR=$HOME/.local/bin
    APPLICATIONS=$DATA_HOME/applications
    ICONS=$DATA_HOME/icons/hicolor
    MIME=$DATA_HOME/mime
    SRC=$(real_dir "$(dirname -- "$0")")
    if [ -n "$prefix" ]; then
        APP=$prefix
    elif [ -f "$SRC/$MARKER" ]; then
        APP=$SRC  # the installed copy's own install.sh: that installation, wherever it is
    else
        APP=$DATA_HOME/$APP_DIR_NAME
    fi
    case $APP in
        /*) ;;
        *) APP=$(pwd)/$APP ;;
    esac
    APP=${APP%/}
    if [ -d "$APP" ]; then APP=$(real_dir "$APP"); fi
    case $APP in
        "" | / | "$HOME" | "$DATA_HOME" | "$DATA_HOME/isms" | "$BIN_DIR")
            die "refusing to use $APP as the app folder" ;;
    esac

    case $action in
        install) install_app ;;
        uninstall) uninstall_app ;;
    esac
}

main "$@"
exit 0
