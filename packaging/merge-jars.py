#!/usr/bin/env python3
"""Merges a function's jars into one uncompressed jar, the only jar its artifact ships.

    packaging/merge-jars.py LIB_DIR OUT_JAR

Every jar in LIB_DIR is read in name order and removed; OUT_JAR (which may be inside LIB_DIR) gets all their
entries, stored rather than deflated. Both choices are for cold start (docs/decisions.md, "One stored jar per
function"): the JVM looks each class up in one jar instead of searching ~37 in turn, and reads its bytes without
inflating them. The artifact's zip deflates the whole jar instead, so the deployed zip gets smaller, not bigger.

Resources that several jars share are merged the way the SDK and the JDK read them: ServiceLoader files
(META-INF/services/*) and the SDK's interceptor lists (*.interceptors) by joining their lines, licence and notice
texts by joining them. A class in two jars is an error unless both copies are identical, and module-info.class,
signatures and the jars' own manifests are dropped (a classpath jar needs none of them). Entries carry a fixed
timestamp, so the same inputs give the same bytes.
"""
import os
import sys
import zipfile

FIXED_TIME = (1980, 2, 1, 0, 0, 0)
MANIFEST = "Manifest-Version: 1.0\r\nMulti-Release: true\r\nCreated-By: packaging/merge-jars.py\r\n\r\n"


def is_dropped(name):
    upper = name.upper()
    base = upper.rsplit("/", 1)[-1]
    return (name.endswith("/")
            or base == "MODULE-INFO.CLASS"
            or upper == "META-INF/MANIFEST.MF"
            or upper == "META-INF/INDEX.LIST"
            or (upper.startswith("META-INF/") and base.endswith((".SF", ".RSA", ".DSA", ".EC"))))


def is_line_list(name):
    return name.startswith("META-INF/services/") or name.endswith(".interceptors")


def merge(lib_dir, out_jar):
    jars = sorted(os.path.join(lib_dir, j) for j in os.listdir(lib_dir) if j.endswith(".jar"))
    if not jars:
        sys.exit(f"merge-jars: no jars in {lib_dir}")
    entries, origin = {}, {}
    for jar in jars:
        with zipfile.ZipFile(jar) as z:
            for name in z.namelist():
                if is_dropped(name):
                    continue
                data = z.read(name)
                if name not in entries:
                    entries[name], origin[name] = data, jar
                elif entries[name] == data:
                    continue
                elif is_line_list(name):
                    lines = entries[name].decode("utf-8").splitlines()
                    lines += [l for l in data.decode("utf-8").splitlines() if l.strip() and l not in lines]
                    entries[name] = ("\n".join(lines) + "\n").encode("utf-8")
                elif name.endswith(".class"):
                    sys.exit(f"merge-jars: {name} differs in {os.path.basename(origin[name])} and {os.path.basename(jar)}")
                else:
                    entries[name] = entries[name].rstrip(b"\n") + b"\n\n" + data
    for jar in jars:
        os.remove(jar)
    with zipfile.ZipFile(out_jar, "w", zipfile.ZIP_STORED) as out:
        out.writestr(zipfile.ZipInfo("META-INF/MANIFEST.MF", FIXED_TIME), MANIFEST)
        for name in sorted(entries):
            out.writestr(zipfile.ZipInfo(name, FIXED_TIME), entries[name])
    print(f"merge-jars: {len(jars)} jars, {len(entries)} entries -> {out_jar}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: merge-jars.py LIB_DIR OUT_JAR")
    merge(sys.argv[1], sys.argv[2])
