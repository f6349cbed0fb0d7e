# Sourced by the ensure-*.sh scripts: sets $sudo to "" (we are root) or "sudo" (passwordless sudo works);
# returns 1 when neither, so the caller can say what to install by hand.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    sudo=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
  else
    return 1
  fi
}
