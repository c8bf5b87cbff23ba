"""The hand-written cdefs against the library: symbols against the version script, struct
layouts against a C compiler's view of the real headers."""
import os
import re
import shutil
import subprocess

import pytest

from libhedge import _ffi
from conftest import REPO

DECLARED = sorted(set(re.findall(r"^\s*[\w ]*?\w[\s*]+(hedge_\w+)\s*\(", _ffi.CDEF, re.M)))  # a return type, then the name


def map_symbols():
    text = re.sub(r"/\*.*?\*/", "", (REPO / "lib" / "libhedge.map").read_text(), flags=re.S)
    return sorted(set(re.findall(r"^\s*(hedge_\w+);", text, re.M)))


def test_declared_functions_are_exactly_the_exported_ones():
    assert DECLARED, "no functions found in the cdefs"
    exported = map_symbols()
    assert sorted(set(DECLARED) - set(exported)) == [], "declared in Python but not in lib/libhedge.map"
    assert sorted(set(exported) - set(DECLARED)) == [], "exported by the library but not declared in Python"


def test_every_declared_function_resolves_in_the_loaded_library():
    for name in DECLARED:
        getattr(_ffi.lib, name)  # dlsym: AttributeError if the library lacks it


HEADERS = ["status.h", "context.h", "types.h", "pricing.h", "implied_vol.h", "instrument.h", "snapshot.h",
           "volsurface.h", "market.h", "valuation.h", "portfolio.h", "risk.h", "scenario.h", "margin.h",
           "optimize.h", "sys/backend.h", "hedging.h", "rebalance.h", "volatility.h", "simulate.h"]


def test_struct_sizes_and_offsets_match_the_c_headers(tmp_path):
    """Compiles a probe that prints sizeof and every offsetof as C sees them, for every struct the
    cdefs declare, and compares with cffi's layout. A field missing in C fails the compile."""
    cc = os.environ.get("HEDGE_CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler to build the layout probe")
    structs = [t for t in _ffi.ffi.list_types()[0]
               if _ffi.ffi.typeof(t).kind == "struct" and _ffi.ffi.typeof(t).fields is not None]  # not opaque
    assert "hedge_greeks" in structs and "hedge_risk_row" in structs
    lines = []
    for s in structs:
        lines.append(f'printf("{s} %zu\\n", sizeof({s}));')
        for f, _ in _ffi.ffi.typeof(s).fields:
            lines.append(f'printf("{s}.{f} %zu\\n", offsetof({s}, {f}));')
    src = tmp_path / "probe.c"
    src.write_text("#include <stddef.h>\n#include <stdio.h>\n" + "".join(f"#include <hedge/{h}>\n" for h in HEADERS)
                   + "int main(void) {\n" + "\n".join(lines) + "\nreturn 0;\n}\n")
    exe = tmp_path / "probe"
    subprocess.run([cc, "-std=c11", "-I", str(REPO / "include"), str(src), "-o", str(exe)], check=True)
    c_view = dict(line.rsplit(" ", 1) for line in subprocess.run([str(exe)], check=True, capture_output=True,
                                                                 text=True).stdout.splitlines())
    py_view = {}
    for s in structs:
        py_view[s] = str(_ffi.ffi.sizeof(s))
        for f, field in _ffi.ffi.typeof(s).fields:
            py_view[f"{s}.{f}"] = str(field.offset)
    assert py_view == c_view


def test_sized_structs_carry_struct_size_first():
    for s in _ffi.SIZED_STRUCTS:
        fields = _ffi.ffi.typeof(s).fields
        assert fields[0][0] == "struct_size" and fields[0][1].offset == 0, s
        assert _ffi.new(s).struct_size == _ffi.ffi.sizeof(s)


def test_library_found_through_hedge_library_or_the_tree():
    path = _ffi.library_path()
    assert path == os.environ.get("HEDGE_LIBRARY", path)
    assert "libhedge.so" in path
