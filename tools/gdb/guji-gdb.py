# guji-gdb.py — gdb pretty-printers for guji values (docs/tools.md, "Debugging").
#
# Loaded three ways: automatically, from the `.debug_gdb_scripts` entry that
# `gujic -g` puts in every executable (and that `guji` itself carries, for
# `guji run -g`), once gdb's auto-load safe-path admits this file; with
# `gdb -x <this file>`; or with `source <this file>` at the gdb prompt.
# Loading it twice replaces the first copy.
#
# What it prints, in the words of guji's own `print` (nested form: strings
# and chars quoted): Str "text", Char 'c', List [1, 2, 3], Map {k: v, ...}
# (in key order, as guji prints it), Set set([...]), records Point { x: 1,
# y: 2 }, tuples (1, "a"), sums Some(3) / None / Rect(...).
#
# How the types are known. A binding's DWARF type (lib/CodeGen/debug.c)
# names it: `Str` is a typedef of a pointer to struct GjStr, List[T] and
# Map[K, V] typedefs of pointers to the opaque GjList / GjMap, an object
# type T a typedef of a pointer to a struct T (header rc, kind, tag, then
# the fields) or, for a sum of several constructors, to a union of one
# struct per constructor. Collections are walked in raw memory with the
# runtime's layouts (runtime/src/str.c, list.c, map.c; LP64 little-endian),
# and each element is read through the GjType descriptor the collection
# carries (gujirt.h): its `name` is "Int", "Float", "Bool", "Char", "Str",
# "Unit", "List", "Map" for the runtime's descriptors and the type's own
# name ("Point", "Option[Int]", "(Int, Str)") for the ones the compiler
# emits; an object element's layout is then the DWARF type of that name,
# which exists when the program has a binding, parameter or field of that
# type (otherwise the element prints as <T @0x...>). A nested List or Map
# knows its own descriptors, so nesting needs no type names at all.
#
# The runtime layouts below must follow runtime/src; test/tools/gdb-*.guji
# check them.

import struct

import gdb

# ---- runtime layouts --------------------------------------------------------

KIND_STR, KIND_LIST, KIND_LIST_NODE, KIND_MAP, KIND_MAP_NODE, KIND_OBJ = 1, 2, 3, 4, 5, 8
# GjStr: header (rc i32, kind u16, flags u16), len i64, ptr, cap i64, owner.
# Flat, literal and slice strings differ only in where ptr points and in
# owner/cap; all of them hold their text at ptr[0:len].
STR_LEN, STR_PTR = 8, 16
# GjList: header, shift u8, tail_len u8, skip u16, esize u32, len i64,
# elem, root, tail. Nodes: header (flags: leaf capacity; inner count |
# RELAXED), then data at 8: elements, or 32 child pointers and, when
# relaxed, a size table (u32, i64 from shift 30 on).
LIST_NODE_DATA, LIST_BITS, LIST_COUNT_MASK, LIST_RELAXED, LIST_WIDE_SHIFT = 8, 5, 0x3F, 0x40, 30
# GjMap: header (flags: MAP_SET), len i64, kt, vt, root, esz u32, voff u32.
# Nodes: header (flags: NODE_COLL, NODE_SRC, depth), datamap u32, nodemap
# u32, entries at 16, then children, then src when NODE_SRC. A child
# pointer's low bit marks a borrowed edge (BORROWED): untag it.
MAP_SET, NODE_COLL, MAP_NODE_ENTRIES, BORROWED = 1, 1, 16, 1
# GjType: size u32, flags u32, inc, dec, eq, hash, cmp, append_text, name.
TYPE_NAME = 56

MAX_DEPTH = 12  # values are acyclic; this only stops a walk into garbage


class _Mem:
    """Raw little-endian reads from the inferior."""

    @staticmethod
    def read(addr, n):
        return bytes(gdb.selected_inferior().read_memory(addr, n))

    @classmethod
    def unpack(cls, fmt, addr):
        return struct.unpack("<" + fmt, cls.read(addr, struct.calcsize("<" + fmt)))[0]

    @classmethod
    def ptr(cls, addr):
        return cls.unpack("Q", addr)

    @classmethod
    def cstr(cls, addr, limit=256):
        out = bytearray()
        while addr and len(out) < limit:
            b = cls.read(addr + len(out), 1)
            if b == b"\0":
                break
            out += b
        return out.decode("utf-8", "replace")


def _limit():
    """gdb's `print elements`: how many elements of a collection to show."""
    try:
        n = gdb.parameter("print elements")
    except RuntimeError:
        n = 200
    return n if n else 1 << 62


# ---- text forms ---------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _quote(text, q='"'):
    out = []
    for ch in text:
        if ch in _ESCAPES and (ch != '"' or q == '"'):
            out.append(_ESCAPES[ch])
        elif ch == "'" and q == "'":
            out.append("\\'")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return q + "".join(out) + q


def _float(v):
    if v != v:
        return "nan"
    if v in (float("inf"), float("-inf")):
        return "-inf" if v < 0 else "inf"
    return repr(v)


def _char(cp):
    try:
        return _quote(chr(cp), "'")
    except (ValueError, OverflowError):
        return "'\\u{%x}'" % cp


def str_text(addr):
    """The Python text of the GjStr at addr (any of its forms)."""
    n = _Mem.unpack("q", addr + STR_LEN)
    p = _Mem.ptr(addr + STR_PTR)
    if n <= 0 or not p:
        return ""
    cap = 1 << 20  # a huge or garbage length shows its first MiB
    text = _Mem.read(p, min(n, cap)).decode("utf-8", "replace")
    return text + ("..." if n > cap else "")


def fmt_str(addr):
    if not addr:
        return "<null Str>"
    return _quote(str_text(addr))


# ---- lists: the RRB tree, in order -------------------------------------------


def _list_tree(node, shift, size, esize):
    """Element addresses of the subtree at node (level shift, size elements)."""
    if shift == 0:
        for i in range(size):
            yield node + LIST_NODE_DATA + i * esize
        return
    flags = _Mem.unpack("H", node + 6)
    count = flags & LIST_COUNT_MASK
    relaxed = flags & LIST_RELAXED
    table = node + LIST_NODE_DATA + 32 * 8
    wide = shift >= LIST_WIDE_SHIFT
    before = 0
    for j in range(count):
        if relaxed:
            upto = _Mem.unpack("q", table + 8 * j) if wide else _Mem.unpack("I", table + 4 * j)
            child = upto - before
            before = upto
        else:
            full = 1 << shift
            child = full if j + 1 < count else size - j * full
        kid = _Mem.ptr(node + LIST_NODE_DATA + 8 * j)
        yield from _list_tree(kid, shift - LIST_BITS, child, esize)


def list_elems(addr):
    """(descriptor, element addresses) of the GjList at addr."""
    shift, tail_len, skip, esize = struct.unpack("<BBHI", _Mem.read(addr + 8, 8))
    length = _Mem.unpack("q", addr + 16)
    desc, root, tail = (_Mem.ptr(addr + off) for off in (24, 32, 40))

    def gen():
        if length <= 0:
            return
        tree = length - tail_len + skip
        if root and tree > 0:
            for i, a in enumerate(_list_tree(root, shift, tree, esize)):
                if i >= skip:
                    yield a
        for i in range(tail_len):
            yield tail + LIST_NODE_DATA + i * esize

    return desc, length, gen()


def fmt_list(addr, depth=0):
    if not addr:
        return "<null List>"
    desc, length, elems = list_elems(addr)
    limit, out = _limit(), []
    for a in elems:
        if len(out) >= limit:
            out.append("...")
            break
        out.append(fmt_elem(a, desc, depth + 1))
    return "[" + ", ".join(out) + "]"


# ---- maps and sets: the CHAMP trie ---------------------------------------------


def _map_tree(node, esz):
    """Entry addresses under node: its entries, then its children (map.c's order)."""
    flags = _Mem.unpack("H", node + 6)
    datamap, nodemap = struct.unpack("<II", _Mem.read(node + 8, 8))
    ndata = datamap if flags & NODE_COLL else bin(datamap).count("1")
    nnodes = bin(nodemap).count("1")
    entries = node + MAP_NODE_ENTRIES
    for i in range(ndata):
        yield entries + i * esz
    kids = entries + ndata * esz
    for i in range(nnodes):
        yield from _map_tree(_Mem.ptr(kids + 8 * i) & ~BORROWED, esz)


def _sort_key(addr, desc):
    """guji's key order for the runtime's scalar types and Str; None otherwise."""
    name = desc_name(desc)
    if name == "Int":
        return _Mem.unpack("q", addr)
    if name == "Float":
        return _Mem.unpack("d", addr)
    if name == "Bool":
        return _Mem.unpack("B", addr)
    if name == "Char":
        return _Mem.unpack("I", addr)
    if name == "Str":
        s = _Mem.ptr(addr)
        n, p = _Mem.unpack("q", s + STR_LEN), _Mem.ptr(s + STR_PTR)
        return _Mem.read(p, min(n, 4096)) if n > 0 and p else b""
    return None


def fmt_map(addr, depth=0):
    if not addr:
        return "<null Map>"
    is_set = _Mem.unpack("H", addr + 6) & MAP_SET
    length = _Mem.unpack("q", addr + 8)
    kt, vt, root = (_Mem.ptr(addr + off) for off in (16, 24, 32))
    esz, voff = struct.unpack("<II", _Mem.read(addr + 40, 8))
    if length <= 0 or not root:
        return "set([])" if is_set else "{:}"
    entries = []
    for e in _map_tree(root, esz):
        entries.append(e)
        if len(entries) > 100000:
            break
    keys = [_sort_key(e, kt) for e in entries]
    if None not in keys:  # print as guji does: in key order
        entries = [e for _, e in sorted(zip(keys, entries), key=lambda p: p[0])]
    limit, out = _limit(), []
    for e in entries:
        if len(out) >= limit:
            out.append("...")
            break
        k = fmt_elem(e, kt, depth + 1)
        out.append(k if is_set else k + ": " + fmt_elem(e + voff, vt, depth + 1))
    return ("set([%s])" if is_set else "{%s}") % ", ".join(out)


# ---- elements by descriptor ----------------------------------------------------


def desc_name(desc):
    return _Mem.cstr(_Mem.ptr(desc + TYPE_NAME)) if desc else "?"


def fmt_elem(addr, desc, depth):
    """The element stored at addr, of the type GjType desc describes."""
    if depth > MAX_DEPTH:
        return "..."
    name = desc_name(desc)
    if name == "Int":
        return str(_Mem.unpack("q", addr))
    if name == "Float":
        return _float(_Mem.unpack("d", addr))
    if name == "Bool":
        return "true" if _Mem.unpack("B", addr) else "false"
    if name == "Char":
        return _char(_Mem.unpack("I", addr))
    if name == "Unit":
        return "()"
    p = _Mem.ptr(addr)
    if name == "Str":
        return fmt_str(p)
    if name == "List":
        return fmt_list(p, depth)
    if name == "Map":
        return fmt_map(p, depth)
    try:
        ty = gdb.lookup_type(name)
    except gdb.error:
        return "<%s @0x%x>" % (name, p)
    return fmt_value(gdb.Value(p).cast(ty), depth)


# ---- values by DWARF type -------------------------------------------------------


def _obj_target(ty):
    """The struct or union a guji object type points to, or None."""
    st = ty.strip_typedefs()
    if st.code != gdb.TYPE_CODE_PTR:
        return None
    tgt = st.target().strip_typedefs()
    if tgt.code == gdb.TYPE_CODE_UNION:
        fs = tgt.fields()
        return tgt if fs and all(_obj_struct(f.type) for f in fs) else None
    return tgt if _obj_struct(tgt) else None


def _obj_struct(t):
    t = t.strip_typedefs()
    if t.code != gdb.TYPE_CODE_STRUCT:
        return False
    names = [f.name for f in t.fields()[:3]]
    return names == ["rc", "kind", "tag"]


def _base_name(name):
    """A generic type's name without its arguments: Pair[Int, Bool] -> Pair."""
    i = name.find("[")
    return name[:i] if i > 0 else name


def fmt_obj(v, depth):
    addr = int(v)
    if not addr:
        return "<null>"
    tgt = _obj_target(v.type)
    obj = v.dereference()
    if tgt.code == gdb.TYPE_CODE_UNION:
        tag = _Mem.unpack("H", addr + 6)
        members = tgt.fields()
        if tag >= len(members):
            return "<%s with bad tag %d @0x%x>" % (tgt.name or "?", tag, addr)
        name = members[tag].name
        obj = obj[name]
        fields = obj.type.strip_typedefs().fields()[3:]
    else:
        name = _base_name(tgt.tag or tgt.name or "?")
        fields = tgt.fields()[3:]
    parts = [(f.name, fmt_value(obj[f.name], depth + 1)) for f in fields]
    if name.startswith("("):  # a tuple
        return "(" + ", ".join(p for _, p in parts) + ("," if len(parts) == 1 else "") + ")"
    if not parts:
        return name
    if all(n.startswith("_") and n[1:].isdigit() for n, _ in parts):
        return name + "(" + ", ".join(p for _, p in parts) + ")"
    return name + " { " + ", ".join("%s: %s" % p for p in parts) + " }"


def guji_kind(ty):
    """What kind of guji value a gdb type holds, or None when it is not one."""
    name = ty.name
    st = ty.strip_typedefs()
    if st.code == gdb.TYPE_CODE_PTR:
        tgt = st.target().strip_typedefs()
        tag = tgt.tag or tgt.name
        if tag == "GjStr":
            return "str"
        if tag == "GjList":
            return "list"
        if tag == "GjMap":
            return "map"
        if _obj_target(ty) is not None:
            return "obj"
        return None
    if name == "Char":
        return "char"
    if name == "Float":
        return "float"
    if name == "Bool":
        return "bool"
    if name == "Int":
        return "int"
    return None


def fmt_value(v, depth=0):
    """The guji text of a gdb.Value whose type guji_kind knows."""
    if depth > MAX_DEPTH:
        return "..."
    kind = guji_kind(v.type)
    try:
        if kind == "str":
            return fmt_str(int(v))
        if kind == "list":
            return fmt_list(int(v), depth)
        if kind == "map":
            return fmt_map(int(v), depth)
        if kind == "obj":
            return fmt_obj(v, depth)
        if kind == "char":
            return _char(int(v) & 0xFFFFFFFF)
        if kind == "float":
            return _float(float(v))
        if kind == "bool":
            return "true" if int(v) else "false"
        if kind == "int":
            return str(int(v))
    except gdb.MemoryError as e:
        return "<unreadable: %s>" % e
    return str(v)


# ---- registration ----------------------------------------------------------------


class GujiValuePrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return fmt_value(self.val)


class GujiPrinterLookup:
    """One lookup function for every guji type (`info pretty-printer` shows it)."""

    name = "guji"

    def __init__(self):
        self.enabled = True
        self.subprinters = None

    def __call__(self, val):
        # Int, Float and Bool print well already; Char would print as a
        # 4-byte C string, and everything else as an address.
        try:
            kind = guji_kind(val.type)
        except gdb.error:
            return None
        if kind in (None, "int", "float", "bool"):
            return None
        return GujiValuePrinter(val)


def register():
    # Global, not per objfile: code that `guji run -g` JITs comes as
    # objfiles of its own, which gdb never auto-loads scripts for.
    gdb.pretty_printers[:] = [p for p in gdb.pretty_printers
                              if getattr(p, "name", None) != GujiPrinterLookup.name]
    gdb.pretty_printers.insert(0, GujiPrinterLookup())


register()
