#!/usr/bin/env python3
"""What one open stream keeps, by owner: two heap dumps of the same process type holding different numbers of
streams (bench/hold HOLD_STREAMS=2000 HEAP_DUMP=a.hprof, then HOLD_STREAMS=4000 HEAP_DUMP=b.hprof), the
difference divided by the difference in streams, so whatever an idle process keeps drops out.

Each object is counted under its class and the field that first refers to it (a byte[] behind a String under the
String's referrer), with its shallow size as HotSpot lays it out with compressed references (12-byte headers,
4-byte references, 8-byte alignment). The first referrer is the one the dump lists first: an object with several
is counted once, and which one the dump lists first can differ between the two dumps, so a few rows come out
negative where their neighbours are too high by as much; the total is exact.

  bench/heap-owners.py a.hprof 2000 b.hprof 4000 [rows]

Reads HPROF 1.0.2 with 8-byte ids (what jcmd GC.heap_dump writes on a 64-bit JVM). Needs only Python 3.
"""
import collections
import struct
import sys

SIZES = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
PRIMITIVE_ARRAYS = {4: 'boolean[]', 5: 'char[]', 6: 'float[]', 7: 'double[]', 8: 'byte[]', 9: 'short[]',
                    10: 'int[]', 11: 'long[]'}
U8 = struct.Struct('>Q').unpack_from
U4 = struct.Struct('>I').unpack_from
U2 = struct.Struct('>H').unpack_from


def read(path):
    """The dump's classes, instances, object arrays and primitive arrays."""
    data = open(path, 'rb').read()
    p = data.index(b'\0') + 1
    if U4(data, p)[0] != 8:
        sys.exit(path + ': only 8-byte identifiers are read')
    p += 12
    names, class_names, classes = {}, {}, {}
    instances, object_arrays, primitive_arrays = [], [], {}
    while p < len(data):
        tag, length = data[p], U4(data, p + 5)[0]
        body, p = p + 9, p + 9 + length
        if tag == 0x01:
            names[U8(data, body)[0]] = data[body + 8:p].decode('utf-8', 'replace')
        elif tag == 0x02:
            class_names[U8(data, body + 4)[0]] = U8(data, body + 16)[0]
        elif tag in (0x0C, 0x1C):
            q = body
            while q < p:
                sub = data[q]
                q += 1
                if sub in (0xFF, 0x05, 0x07):
                    q += 8
                elif sub in (0x01, 0x02, 0x03, 0x08):
                    q += 16
                elif sub in (0x04, 0x06):
                    q += 12
                elif sub == 0x20:
                    cid, sup = U8(data, q)[0], U8(data, q + 12)[0]
                    q += 8 + 4 + 8 * 6 + 4
                    count, q = U2(data, q)[0], q + 2
                    for _ in range(count):  # constant pool
                        q += 3 + SIZES[data[q + 2]]
                    count, q = U2(data, q)[0], q + 2
                    for _ in range(count):  # static fields
                        q += 9 + SIZES[data[q + 8]]
                    count, q = U2(data, q)[0], q + 2
                    fields = []
                    for _ in range(count):  # instance fields
                        fields.append((U8(data, q)[0], data[q + 8]))
                        q += 9
                    classes[cid] = (sup, fields)
                elif sub == 0x21:
                    size = U4(data, q + 20)[0]
                    instances.append((q + 24, U8(data, q + 12)[0], U8(data, q)[0]))
                    q += 24 + size
                elif sub == 0x22:
                    n = U4(data, q + 12)[0]
                    object_arrays.append((q + 24, n, U8(data, q + 16)[0], U8(data, q)[0]))
                    q += 24 + 8 * n
                elif sub == 0x23:
                    n, kind = U4(data, q + 12)[0], data[q + 16]
                    primitive_arrays[U8(data, q)[0]] = (kind, n)
                    q += 17 + n * SIZES[kind]
                else:
                    sys.exit('%s: unknown heap record 0x%x' % (path, sub))
    class_name = {cid: names.get(nid, '?').replace('/', '.') for cid, nid in class_names.items()}
    return data, names, class_name, classes, instances, object_arrays, primitive_arrays


def by_owner(path):
    """(class, first referrer) -> [bytes, count] over the whole dump."""
    data, names, class_name, classes, instances, object_arrays, primitive_arrays = read(path)
    layouts, sizes = {}, {}

    def layout(cid):
        if cid not in layouts:
            refs, offset, size, c = [], 0, 12, cid
            while c in classes:
                sup, fields = classes[c]
                owner = class_name.get(c, '?').rsplit('.', 1)[-1]
                for nid, kind in fields:
                    if kind == 2:
                        refs.append((offset, owner + '.' + names.get(nid, '?')))
                    offset += SIZES[kind]
                    size += 4 if kind == 2 else SIZES[kind]
                c = sup
            layouts[cid], sizes[cid] = refs, (size + 7) // 8 * 8
        return layouts[cid]

    known = set(primitive_arrays)
    known.update(oid for _, _, oid in instances)
    known.update(oid for _, _, _, oid in object_arrays)
    first_referrer = {}
    for offset, cid, oid in instances:
        for field_offset, field in layout(cid):
            target = U8(data, offset + field_offset)[0]
            if target in known and target not in first_referrer:
                first_referrer[target] = (oid, field)
    for offset, n, array_class, oid in object_arrays:
        field = class_name.get(array_class, '?').rsplit('.', 1)[-1] + '[]'
        for i in range(n):
            target = U8(data, offset + 8 * i)[0]
            if target and target in known and target not in first_referrer:
                first_referrer[target] = (oid, field)

    def referrer(oid):
        found = first_referrer.get(oid)
        return found[1].split('$$Lambda')[0] + ('$$Lambda' if '$$Lambda' in found[1] else '') if found else '(none)'

    owners = collections.defaultdict(lambda: [0, 0])
    for _, cid, oid in instances:
        row = owners[(class_name.get(cid, '?'), referrer(oid))]
        row[0] += sizes[cid]
        row[1] += 1
    for _, n, array_class, oid in object_arrays:
        row = owners[(class_name.get(array_class, '?'), referrer(oid))]
        row[0] += (16 + 4 * n + 7) // 8 * 8
        row[1] += 1
    for oid, (kind, n) in primitive_arrays.items():
        owner = referrer(oid)
        if owner == 'String.value' and oid in first_referrer:
            owner = 'String <- ' + referrer(first_referrer[oid][0])
        row = owners[(PRIMITIVE_ARRAYS[kind], owner)]
        row[0] += (16 + n * SIZES[kind] + 7) // 8 * 8
        row[1] += 1
    return owners


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    small, large = by_owner(sys.argv[1]), by_owner(sys.argv[3])
    streams = int(sys.argv[4]) - int(sys.argv[2])
    rows = int(sys.argv[5]) if len(sys.argv) > 5 else 60
    table = []
    for key in set(small) | set(large):
        a, b = small.get(key, [0, 0]), large.get(key, [0, 0])
        table.append(((b[0] - a[0]) / streams, (b[1] - a[1]) / streams, key))
    table.sort(key=lambda row: -abs(row[0]))
    print('per stream: %.0f bytes (%d streams between the dumps)' % (sum(row[0] for row in table), streams))
    print('%9s %7s  %s' % ('bytes', 'objects', 'class <- first referrer'))
    for size, count, (cls, owner) in table[:rows]:
        print('%9.1f %7.2f  %s <- %s' % (size, count, cls, owner))


if __name__ == '__main__':
    main()
