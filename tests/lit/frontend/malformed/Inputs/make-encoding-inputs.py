"""Writes the byte-level inputs of ../encoding.test and the utf8-*.test files: files
that are not valid UTF-8, or hold bytes that editors hide. They are checked
in; this script says what each holds and rewrites them: `python3
make-encoding-inputs.py` in this folder."""
import os

F = "entry f(a: f32) -> f32 { return a }\n"

CASES = {
    # Not UTF-8 at all.
    "utf8-ff-first": b"\xff" + F.encode(),
    "utf8-fe-in-name": b"entry f\xfe(a: f32) -> f32 { return a }\n",
    "utf8-lone-continuation": b"// \x80\n" + F.encode(),
    "utf8-truncated-at-eof": F.encode() + b"// \xc3",
    "utf8-truncated-3byte": b"entry f\xe2\x82(a: f32) -> f32 { return a }\n",
    "utf8-bad-continuation": b"entry f(a: f32) -> f32 { return a \xc3\x28 }\n",
    "utf8-latin1-comment": b"// caf\xe9\n" + F.encode(),
    "utf8-5byte-lead": F.encode() + b"// \xf8\x88\x80\x80\x80\n",
    "utf8-invalid-line3": F.encode() + F.replace("f(", "g(").encode()
    + b"entry h(a: f32) -> f32 { return a \xa9 }\n",
    "utf16le-bom": "\ufeff".encode("utf-16-le") + F.encode("utf-16-le"),
    "utf16le-no-bom": F.encode("utf-16-le"),
    "utf16be": F.encode("utf-16-be"),
    "png-header": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    "elf-header": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x03\x00>\x00",
    "gzip-header": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
    # UTF-8, but characters the language does not have.
    "nul-in-code": b"entry f(a: f32) -> f32 { return a \x00 }\n",
    "nul-first": b"\x00" + F.encode(),
    "nul-only": b"\x00" * 16,
    "nbsp": "entry f(a: f32)\u00a0-> f32 { return a }\n".encode(),
    "zero-width-space": "entry f(a: f32) -> f32 {\u200b return a }\n".encode(),
    "unicode-name": "entry caf\u00e9(a: f32) -> f32 { return a }\n".encode(),
    "greek-name": "entry f(\u03b1: f32) -> f32 { return \u03b1 }\n".encode(),
    "emoji": "entry f(a: f32) -> f32 { return a \U0001f600 }\n".encode(),
    "fullwidth-paren": "entry f\uff08a: f32) -> f32 { return a }\n".encode(),
    "smart-quotes": "entry f(a: f32) -> f32 { return \u201ca\u201d }\n".encode(),
    "form-feed": b"entry f(a: f32) -> f32 {\x0c return a }\n",
    "vertical-tab": b"entry f(a: f32)\x0b-> f32 { return a }\n",
    "del": b"entry f(a: f32) -> f32 { return a\x7f }\n",
    "ansi-escape": b"entry f(a: f32) -> f32 { return \x1b[31ma }\n",
    "cr-only-error": b"entry f(a: f32) -> f32 {\r  let b = a\r  return a #\r}\r",
    # Valid inputs with unusual bytes (valid/).
    "valid/bom": b"\xef\xbb\xbf" + F.encode(),
    "valid/nul-in-comment": b"// a\x00b\n" + F.encode(),
    "valid/crlf": b"// CRLF line endings\r\nmodule crlf\r\n\r\n"
    b"entry f[N](a: f32[N],\r\n           b: f32[N]) -> f32[N] {\r\n"
    b"  let c = a * b // comment\r\n  /* block\r\n  comment */\r\n"
    b"  return c + a\r\n}\r\n",
    "valid/cr-only": b"module cr\r\rentry f(a: f32) -> f32 {\r  let b = a\r"
    b"  return b // comment\r}\r",
    "valid/only-whitespace": b" \t\r\n\n\t \r\n",
    # Bytes that look like UTF-8 but are not Unicode text.
    "utf8-overlong-2byte": F.encode() + b"// \xc0\x80\n",
    "utf8-overlong-3byte": F.encode() + b"// \xe0\x80\x80\n",
    "utf8-overlong-4byte": F.encode() + b"// \xf0\x80\x80\x80\n",
    "utf8-above-10ffff": F.encode() + b"// \xf4\x90\x80\x80\n",
    "utf8-f5-lead": F.encode() + b"// \xf5\x80\x80\x80\n",
    "utf8-surrogate": F.encode() + b"// \xed\xa0\x80\n",
}

here = os.path.dirname(os.path.abspath(__file__))
for name, data in CASES.items():
    path = os.path.join(here, name + ".tsr")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
