#!/usr/bin/env bash
# container-root.sh ROOT: gives an image's root file system what a container runtime (Docker's, containerd's) adds
# when it starts a container, for the starts of an image's files outside one (training.sh, ImageRunTest,
# infra/bench/image-start.sh): a /dev with the character devices any process may use, and an /etc/hosts naming this
# host. Without /dev/urandom the JVM seeds SecureRandom from its own threads' timing (the JDK's fallback seed
# generator), which took 8 of a start's 15 s here. Needs root (mknod).
set -euo pipefail
root=$1
mkdir -p "$root/dev" "$root/etc"
for device in "null 3" "zero 5" "full 7" "random 8" "urandom 9"; do
  read -r name minor <<<"$device"
  [ -e "$root/dev/$name" ] || mknod -m 666 "$root/dev/$name" c 1 "$minor"
done
printf '127.0.0.1\tlocalhost %s\n::1\tlocalhost\n' "$(hostname)" > "$root/etc/hosts"
