#!/usr/bin/env python3
"""OCI images without a registry or a Docker engine (tools/images.sh drives it).

  image.py layer SRC OUT.tar.gz [--prefix DIR] [--owner UID:GID] [--exclude PATH ...]
      SRC's tree as one gzipped layer under DIR; prints its digest. Reproducible: entries sorted,
      every mtime SOURCE_DATE_EPOCH, owners numeric, gzip without a name or time.
  image.py image OUT.tar --name NAME:TAG --layer L.tar.gz ... [--user U] [--workdir D]
      [--env K=V ...] [--entrypoint JSON] [--cmd JSON] [--port N ...] [--label K=V ...]
      One tarball that is both an OCI image layout (index.json, for `ctr images import`) and a
      `docker save` archive (manifest.json, for `docker load`).
  image.py bundle IMAGE.tar DIR [--env K=V ...] [--env-file F.json] [--mount SRC[:DEST][:ro] ...]
      [--args JSON] [--rootfs SHARED] [--cwd D]
      An OCI runtime bundle for `runc run`: the layers unpacked (into DIR/rootfs, or once per image
      into SHARED) and a config.json with the image's user, env and command, a read-only root with
      a tmpfs /tmp, and the host's network (the ports a test picked are reachable on loopback).
"""
import argparse
import fcntl
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import time

EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


class _Hashing(io.RawIOBase):
    """A write-only stream that hashes and counts what passes through to the next one."""

    def __init__(self, target):
        self.target, self.sha, self.size = target, hashlib.sha256(), 0

    def writable(self):
        return True

    def write(self, b):
        self.sha.update(b)
        self.size += len(b)
        return self.target.write(b) if self.target else len(b)


def layer(src, out, prefix="", owner=(0, 0), exclude=()):
    excluded = {os.path.normpath(e).lstrip("/") for e in exclude}
    with open(out + ".partial", "wb") as f:
        compressed = _Hashing(f)
        with gzip.GzipFile(filename="", mode="wb", fileobj=compressed, mtime=0, compresslevel=6) as gz:
            plain = _Hashing(gz)
            with tarfile.open(fileobj=plain, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                parts = [p for p in prefix.strip("/").split("/") if p]
                for i in range(len(parts)):  # the prefix's folders, so the tree has owners and modes
                    info = tarfile.TarInfo("/".join(parts[: i + 1]))
                    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, EPOCH
                    tar.addfile(info)
                _add_tree(tar, src, "/".join(parts), owner, excluded)
            plain.flush()
    os.replace(out + ".partial", out)
    meta = {
        "digest": "sha256:" + compressed.sha.hexdigest(),
        "size": compressed.size,
        "diff_id": "sha256:" + plain.sha.hexdigest(),
    }
    with open(out + ".json", "w") as f:
        json.dump(meta, f)
    return meta


def _add_tree(tar, root, prefix, owner, excluded):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root)
        # An excluded folder stays, empty (/proc, /tmp and the like are mount points).
        keep_dirs = []
        for d in dirnames:
            rel = os.path.normpath(os.path.join(rel_dir, d))
            full = os.path.join(dirpath, d)
            _add(tar, full, _arc(prefix, rel), owner)
            if rel not in excluded and not os.path.islink(full):
                keep_dirs.append(d)
        dirnames[:] = keep_dirs
        for name in sorted(filenames):
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if rel not in excluded:
                _add(tar, os.path.join(dirpath, name), _arc(prefix, rel), owner)


def _arc(prefix, rel):
    return f"{prefix}/{rel}" if prefix else rel


def _add(tar, path, arcname, owner):
    info = tar.gettarinfo(path, arcname)
    if info is None:  # a socket
        return
    info.mtime, info.uname, info.gname = EPOCH, "", ""
    if owner is not None:
        info.uid, info.gid = owner
    if info.isreg():
        with open(path, "rb") as f:
            tar.addfile(info, f)
    else:
        tar.addfile(info)


def image(out, name, layers, user=None, workdir=None, env=(), entrypoint=None, cmd=None, ports=(), labels=()):
    metas = []
    for l in layers:
        with open(l + ".json") as f:
            metas.append((l, json.load(f)))
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(EPOCH))
    config = {
        "created": created,
        "architecture": "amd64",
        "os": "linux",
        "config": {
            k: v
            for k, v in {
                "User": user,
                "WorkingDir": workdir,
                "Env": list(env) or None,
                "Entrypoint": json.loads(entrypoint) if entrypoint else None,
                "Cmd": json.loads(cmd) if cmd else None,
                "ExposedPorts": {f"{p}/tcp": {} for p in ports} or None,
                "Labels": dict(kv.split("=", 1) for kv in labels) or None,
            }.items()
            if v is not None
        },
        "rootfs": {"type": "layers", "diff_ids": [m["diff_id"] for _, m in metas]},
        "history": [{"created": created, "created_by": "tools/images.sh " + os.path.basename(l)} for l, _ in metas],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_digest = "sha256:" + hashlib.sha256(config_bytes).hexdigest()
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": CONFIG_TYPE, "digest": config_digest, "size": len(config_bytes)},
        "layers": [{"mediaType": LAYER_TYPE, "digest": m["digest"], "size": m["size"]} for _, m in metas],
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    manifest_digest = "sha256:" + hashlib.sha256(manifest_bytes).hexdigest()
    # containerd's name: a first part with a dot, a port or "localhost" is a registry; else Docker Hub.
    first = name.split("/")[0]
    registry = "/" in name and ("." in first or ":" in first or first == "localhost")
    full_name = name if registry else "docker.io/" + name
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {
                "mediaType": MANIFEST_TYPE,
                "digest": manifest_digest,
                "size": len(manifest_bytes),
                "annotations": {
                    "io.containerd.image.name": full_name,
                    "org.opencontainers.image.ref.name": name.rsplit(":", 1)[1],
                },
            }
        ],
    }
    blob = lambda d: "blobs/sha256/" + d.split(":", 1)[1]
    docker = [{"Config": blob(config_digest), "RepoTags": [name], "Layers": [blob(m["digest"]) for _, m in metas]}]
    with tarfile.open(out + ".partial", "w", format=tarfile.PAX_FORMAT) as tar:
        def put(arcname, data=None, path=None):
            info = tarfile.TarInfo(arcname)
            info.mtime, info.mode = EPOCH, 0o644
            if path:
                info.size = os.path.getsize(path)
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))

        for d in ("blobs", "blobs/sha256"):
            info = tarfile.TarInfo(d)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, EPOCH
            tar.addfile(info)
        put("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        put(blob(config_digest), config_bytes)
        put(blob(manifest_digest), manifest_bytes)
        seen = set()
        for l, m in metas:
            if m["digest"] not in seen:
                seen.add(m["digest"])
                put(blob(m["digest"]), path=l)
        put("index.json", json.dumps(index, sort_keys=True).encode())
        put("manifest.json", json.dumps(docker).encode())
    os.replace(out + ".partial", out)
    print(manifest_digest)


def unpack(image_tar, rootfs):
    """The image's layers, in order, into rootfs (once per image digest: a marker file says which)."""
    os.makedirs(os.path.dirname(rootfs), exist_ok=True)
    with open(rootfs + ".lock", "w") as lock, tarfile.open(image_tar) as t:
        fcntl.flock(lock, fcntl.LOCK_EX)  # containers of one image start at once
        docker = json.load(t.extractfile("manifest.json"))[0]
        config = json.load(t.extractfile(docker["Config"]))
        marker = rootfs + ".digest"
        digest = docker["Config"]
        if not (os.path.isdir(rootfs) and os.path.exists(marker) and open(marker).read() == digest):
            if os.path.exists(rootfs):
                shutil.rmtree(rootfs)
            os.makedirs(rootfs + ".partial", exist_ok=True)
            for l in docker["Layers"]:  # these images have no whiteouts
                with tarfile.open(fileobj=t.extractfile(l), mode="r|gz") as layer_tar:
                    layer_tar.extractall(rootfs + ".partial", numeric_owner=True, filter="fully_trusted")
            os.replace(rootfs + ".partial", rootfs)
            with open(marker, "w") as f:
                f.write(digest)
    return config


def bundle(image_tar, target, env=(), env_file=None, mounts=(), args=None, rootfs=None, cwd=None):
    os.makedirs(target, exist_ok=True)
    rootfs = os.path.abspath(rootfs or os.path.join(target, "rootfs"))
    config = unpack(image_tar, rootfs)
    c = config["config"]
    uid, _, gid = (c.get("User") or "0:0").partition(":")
    process_args = json.loads(args) if args else (c.get("Entrypoint") or []) + (c.get("Cmd") or [])
    extra = list(env)
    if env_file:  # a JSON object: values may span lines (PEM certificates)
        with open(env_file) as f:
            extra += [f"{k}={v}" for k, v in json.load(f).items()]
    spec = {
        "ociVersion": "1.0.2",
        "process": {
            "terminal": False,
            "user": {"uid": int(uid), "gid": int(gid or uid)},
            "args": process_args,
            "env": list(c.get("Env") or []) + extra,
            "cwd": cwd or c.get("WorkingDir") or "/",
            "capabilities": {k: [] for k in ("bounding", "effective", "permitted", "ambient")},
            "noNewPrivileges": True,
        },
        # Read-only, as k8s/ runs the apps (readOnlyRootFilesystem): a shared unpacked root serves
        # every container of the image.
        "root": {"path": rootfs, "readonly": True},
        "hostname": "container",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
            {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"]},
            # The host's resolver and names, as Kubernetes and Docker give a container theirs.
            {"destination": "/etc/resolv.conf", "type": "bind", "source": "/etc/resolv.conf", "options": ["rbind", "ro"]},
            {"destination": "/etc/hosts", "type": "bind", "source": "/etc/hosts", "options": ["rbind", "ro"]},
        ]
        + [_mount(m) for m in mounts],
        "linux": {
            # No network namespace: the container shares the host's network, as a pod's
            # containers share theirs (the app and its sidecar talk over loopback).
            "namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount")],
            "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
        },
    }
    with open(os.path.join(target, "config.json"), "w") as f:
        json.dump(spec, f, indent=1)


def _mount(spec):
    """SRC:DEST[:ro]; DEST empty: the same path as SRC."""
    parts = spec.split(":")
    source = os.path.abspath(parts[0])
    options = ["rbind", "ro" if len(parts) > 2 and parts[2] == "ro" else "rw"]
    return {"destination": parts[1] if len(parts) > 1 and parts[1] else source, "type": "bind", "source": source, "options": options}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="action", required=True)
    a = sub.add_parser("layer")
    a.add_argument("src")
    a.add_argument("out")
    a.add_argument("--prefix", default="")
    a.add_argument("--owner", default="0:0", help="UID:GID, or keep (a root file system)")
    a.add_argument("--exclude", action="append", default=[])
    b = sub.add_parser("image")
    b.add_argument("out")
    b.add_argument("--name", required=True)
    b.add_argument("--layer", action="append", required=True)
    b.add_argument("--user")
    b.add_argument("--workdir")
    b.add_argument("--env", action="append", default=[])
    b.add_argument("--entrypoint")
    b.add_argument("--cmd")
    b.add_argument("--port", action="append", default=[])
    b.add_argument("--label", action="append", default=[])
    c = sub.add_parser("bundle")
    c.add_argument("image")
    c.add_argument("dir")
    c.add_argument("--env", action="append", default=[])
    c.add_argument("--env-file")
    c.add_argument("--mount", action="append", default=[])
    c.add_argument("--args")
    c.add_argument("--rootfs", help="a shared folder for the unpacked image (default DIR/rootfs)")
    c.add_argument("--cwd")
    o = p.parse_args()
    if o.action == "layer":
        owner = None if o.owner == "keep" else tuple(int(x) for x in o.owner.split(":"))
        print(layer(o.src, o.out, o.prefix, owner, o.exclude)["digest"])
    elif o.action == "image":
        image(o.out, o.name, o.layer, o.user, o.workdir, o.env, o.entrypoint, o.cmd, o.port, o.label)
    else:
        bundle(o.image, o.dir, o.env, o.env_file, o.mount, o.args, o.rootfs, o.cwd)


if __name__ == "__main__":
    sys.exit(main())
