#!/usr/bin/env python3
"""Writes every fuzz target's seed corpus (tests/fuzz/corpus/<target>/*).

Each target's input layout is described at the top of its <target>_fuzzer.cpp. The demultiplexer
seeds are 4 control bytes (limits selector, slicing seed, request_ended policy, reserved)
followed by a FastCGI stream shaped like a real peer's; the others are written below, by hand or
from the project's own sample files (conf/isapi-fcgi.yaml, tests/iis_import/configs). The outputs
are committed; rerun this only to change the seeds: python3 tests/fuzz/make_corpus.py
"""
import pathlib
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the committed seeds
import struct

BEGIN, ABORT, END, PARAMS, STDIN, STDOUT, STDERR, DATA, GET_VALUES = 1, 2, 3, 4, 5, 6, 7, 8, 9
RESPONDER, AUTHORIZER, FILTER = 1, 2, 3
KEEP = 1


def record(rtype, rid, content=b"", padding=None, version=1):
    if padding is None:
        padding = (8 - len(content) % 8) % 8
    header = struct.pack(">BBHHBx", version, rtype, rid, len(content), padding)
    return header + content + b"\0" * padding


def begin(rid, role=RESPONDER, flags=0):
    return record(BEGIN, rid, struct.pack(">HB5x", role, flags))


def length(n, long_form=False):
    return struct.pack(">I", n | 0x80000000) if n > 127 or long_form else bytes([n])


def pair(name, value, long_form=False):
    name = name.encode() if isinstance(name, str) else name
    value = value.encode() if isinstance(value, str) else value
    return length(len(name), long_form) + length(len(value), long_form) + name + value


def pairs(items):
    return b"".join(pair(n, v) for n, v in items)


def params_stream(rid, stream, chunk, padding=0):
    pieces = (stream[i:i + chunk] for i in range(0, len(stream), chunk))
    out = b"".join(record(PARAMS, rid, piece, padding) for piece in pieces)
    return out + record(PARAMS, rid)


def control(limits, slicing, policy):
    return bytes([limits, slicing, policy, 0])


# limits selector: low 3 bits pick max_params_bytes {0,1,16,100,1024,64Ki,65535,200000},
# bits 3-4 pick remembered_ended_ids {0,1,3,64}. Policy bits: see the fuzzer.
DEFAULT_LIMITS = 5 | (3 << 3)
ANSWER_AT_END_OF_BODY = 1 << 4 | 1 << 3 | 1 << 1

NGINX_PARAMS = pairs([
    ("QUERY_STRING", "a=1"), ("REQUEST_METHOD", "POST"), ("CONTENT_TYPE", "text/plain"),
    ("CONTENT_LENGTH", "13"), ("SCRIPT_NAME", "/app.dll"), ("REQUEST_URI", "/app.dll/x?a=1"),
    ("SERVER_PROTOCOL", "HTTP/1.1"), ("REMOTE_ADDR", "127.0.0.1"), ("SERVER_PORT", "8080"),
    ("HTTP_HOST", "localhost"), ("HTTP_COOKIE", "a=1"), ("HTTP_COOKIE", "b=2"),
])

seeds = {
    "nginx_keepalive": control(DEFAULT_LIMITS, 1, ANSWER_AT_END_OF_BODY)
    + (begin(1, flags=KEEP) + record(PARAMS, 1, NGINX_PARAMS) + record(PARAMS, 1)
       + record(STDIN, 1, b"hello, world!") + record(STDIN, 1)) * 2,
    "cgi_fcgi": control(DEFAULT_LIMITS, 2, ANSWER_AT_END_OF_BODY)
    + begin(1) + params_stream(1, NGINX_PARAMS, 7) + record(STDIN, 1, b"body in ", 0)
    + record(STDIN, 1, b"three reads", 0) + record(STDIN, 1, b"!", 0) + record(STDIN, 1, b"", 0),
    "haproxy_mux": control(DEFAULT_LIMITS, 3, 1 << 4 | 1 << 5)
    + record(GET_VALUES, 0,
             pairs([("FCGI_MAX_CONNS", ""), ("FCGI_MAX_REQS", ""), ("FCGI_MPXS_CONNS", "")]))
    + begin(1, flags=KEEP) + begin(3, flags=KEEP) + record(PARAMS, 3, pair("REQUEST_URI", "/b"))
    + record(PARAMS, 1, pair("REQUEST_URI", "/a")) + record(PARAMS, 1) + record(PARAMS, 3)
    + record(STDIN, 3, b"three") + record(ABORT, 1) + record(STDIN, 1, b"late") + record(STDIN, 3),
    "roles_and_strays": control(DEFAULT_LIMITS, 4, 1 << 6)
    + begin(1, AUTHORIZER) + record(PARAMS, 1, pair("A", "b")) + record(PARAMS, 1)
    + record(STDIN, 1, b"x")
    + begin(2, FILTER, KEEP) + record(12, 0, b"") + record(200, 9, b"??") + begin(4)
    + record(STDOUT, 4, b"out") + record(DATA, 4, b"d") + record(END, 4, b"\0" * 8)
    + record(PARAMS, 4) + record(STDIN, 4) + record(STDIN, 4, b"after")
    + record(STDIN, 7, b"stranger"),
    "params_too_large": control(3 | (1 << 3), 5, 1 << 3)
    + begin(1) + params_stream(1, pairs([("N%d" % i, "v" * i) for i in range(12)]), 40)
    + record(STDIN, 1, b"dropped") + record(STDIN, 1) + begin(2) + record(PARAMS, 2, pair("S", "1"))
    + record(PARAMS, 2) + record(STDIN, 2),
    "long_lengths": control(DEFAULT_LIMITS, 6, 1 << 2 | 1 << 7)
    + begin(1) + record(PARAMS, 1, pair("LONG", "x" * 300) + pair("N", "v", long_form=True)
                        + pair("x" * 130, "y" * 130)) + record(PARAMS, 1)
    + record(STDIN, 1, b"\0abc") + begin(2)
    + record(PARAMS, 2, b"\xff\xff\xff\xff\xff\xff\xff\xfeAB") + record(PARAMS, 2),
    "padding_and_empty": control(DEFAULT_LIMITS, 7, 0)
    + begin(5) + record(PARAMS, 5, b"", 255) + record(STDIN, 5, b"p", 255)
    + record(STDIN, 5, b"", 7)
    + record(GET_VALUES, 0, b"", 3) + record(STDIN, 5, b"q", 0) + begin(5),
}

from make_seeds import other_targets  # noqa: E402  (needs the helpers above)

here = pathlib.Path(__file__).resolve().parent
targets = {"demultiplexer": seeds}
targets.update(other_targets(record, begin, pair, pairs, NGINX_PARAMS, here.parent.parent))
for target, target_seeds in targets.items():
    out_dir = here / "corpus" / target
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in target_seeds.items():
        data = data.encode() if isinstance(data, str) else data
        (out_dir / (name + ".bin")).write_bytes(data)
        print("%s/%s.bin: %d bytes" % (target, name, len(data)))
