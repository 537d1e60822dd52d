#!/usr/bin/env python3
"""Marks a symbol-version requirement of an ELF64 shared library weak (VER_FLG_WEAK), in place.

usage: weak_version.py LIBRARY VERSION   (e.g. libLibTorchSharp.so GLIBCXX_3.4.32)

The dynamic loader refuses to load a library that requires a version its dependency does not define, unless the
requirement is weak; then only symbols bound to that version are missing. Prints what it changed; exits 1 if the library
does not require VERSION.
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def main(path, version):
    with open(path, "r+b") as f:
        elf = bytearray(f.read())
        if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
            sys.exit(f"{path}: not a little-endian ELF64 file")
        shoff, = struct.unpack_from("<Q", elf, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
        changed = 0
        for _, sh_type, _, _, offset, _, link, count, _, _ in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strings = sections[link][4]
            need = offset
            for _ in range(count):
                _, aux_count, file_name, aux, next_need = struct.unpack_from("<HHIII", elf, need)
                entry = need + aux
                for _ in range(aux_count):
                    _, flags, _, name, next_aux = struct.unpack_from("<IHHII", elf, entry)
                    text = elf[strings + name:elf.index(b"\0", strings + name)].decode()
                    if text == version:
                        library = elf[strings + file_name:elf.index(b"\0", strings + file_name)].decode()
                        print(f"{path}: {version} from {library} marked weak" + (" (already)" if flags & VER_FLG_WEAK else ""))
                        struct.pack_into("<H", elf, entry + 4, flags | VER_FLG_WEAK)
                        changed += 1
                    entry += next_aux
                need += next_need
        if not changed:
            sys.exit(f"{path}: does not require {version}")
        f.seek(0)
        f.write(elf)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
