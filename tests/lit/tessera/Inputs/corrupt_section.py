"""Copies an ELF file, setting one byte of a named section to 0xFF:
`corrupt_section.py IN OUT SECTION OFFSET`."""
import struct
import sys

src, dst, section, offset = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = bytearray(open(src, "rb").read())
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
def header(i):
    return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
strtab = header(shstrndx)[4]
for i in range(shnum):
    h = header(i)
    name = data[strtab + h[0]:data.index(0, strtab + h[0])].decode()
    if name == section:
        data[h[4] + offset] ^= 0xFF
        break
else:
    sys.exit(f"no section {section}")
open(dst, "wb").write(data)
