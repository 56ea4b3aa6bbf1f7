"""Seeds of the fuzz targets other than the demultiplexer; make_corpus.py writes them.

Each function returns {seed name: bytes or str}; the layouts are those at the top of each
<target>_fuzzer.cpp.
"""
import struct


def other_targets(record, begin, pair, pairs, nginx_params, root):
    return {
        "record_parser": record_parser_seeds(record, begin, pairs, nginx_params),
        "param_set": param_set_seeds(pair, pairs, nginx_params),
        "url": url_seeds(),
        "header_block": header_block_seeds(),
        "response_translator": response_translator_seeds(),
        "chunked_decoder": chunked_decoder_seeds(),
        "credentials": credentials_seeds(),
        "config_loader": config_loader_seeds(root),
        "iis_import": iis_import_seeds(root),
        "reg_file": reg_file_seeds(),
    }


def record_parser_seeds(record, begin, pairs, nginx_params):
    stream = begin(1, flags=1) + record(4, 1, nginx_params) + record(4, 1) + record(5, 1, b"body")
    return {
        "whole": b"\0" + stream,
        "sliced": b"\x05" + stream,
        "padding_255": b"\x03" + record(5, 1, b"p", 255) + record(5, 1, b"", 7),
        "truncated": b"\x02" + stream[:-3],
        "bad_version": b"\x01" + record(5, 1, b"x") + record(5, 1, b"y", version=2),
        "max_length": b"\x07" + struct.pack(">BBHHBx", 1, 5, 1, 0xFFFF, 0) + b"a" * 100,
    }


def param_set_seeds(pair, pairs, nginx_params):
    return {
        "nginx": nginx_params,
        "cookies_merged": pairs([("HTTP_COOKIE", "a=1"), ("X", "1"), ("HTTP_COOKIE", "b=2"),
                                 ("X", "2"), ("HTTP_COOKIE", "")]),
        "long_form": pair("N", "v", long_form=True) + pair("x" * 130, "y" * 200),
        "truncated": pair("NAME", "value")[:-2],
        "huge_length": b"\xff\xff\xff\xff\x01AB",
        "empty_pairs": pairs([("", ""), ("", "x"), ("A", "")]),
    }


def provider_tail(*strings):
    """FuzzedDataProvider's ConsumeRandomLengthString: a backslash ends a string ("\\\\" is a
    literal one); ints and bools are taken from the end of the input."""
    return "\\ ".join(s.replace("\\", "\\\\") for s in strings)


def url_seeds():
    # Leading text = configured paths, script map, REQUEST_URI, SCRIPT_NAME, PATH_INFO, method,
    # root, URL for normalize_url; trailing bytes feed the option bits and counts.
    def seed(*strings, tail=b"\x01\x01\x03\x00\x02"):
        return provider_tail(*strings).encode() + tail
    return {
        "plain": seed("/scripts/app.dll", "/", "*.isa", "/shop", "/scripts/app.dll/a/b?x=1",
                      "/scripts/app.dll", "/a/b", "GET", "/srv/www", "/scripts/../app.dll/x"),
        "encoded": seed("/Scripts/App.dll", "*", "/", "/scripts/%41pp.dll/%2e%2e/x%2Fy?q",
                        "/scripts/App.dll", "/x/y", "POST", "/srv/www/", "/a/%2e%2E/b/./c//d"),
        "bad_escapes": seed("/a", "*.isa", "/", "/a%zz/b%", "", "", "", "", "/%00/x"),
        "backslashes": seed("/a/b", "*.asp", "/x", "\\a\\b\\..\\c", "/a/b", "\\c", "PUT",
                            "C:\\inetpub", "/shop/cart.asp/more"),
        "climbs": seed("/", "*", "", "/../..", "/..", "/../etc/passwd", "GET", "/", "/a/../../b"),
    }


def header_block_seeds():
    return {
        "cgi_block": "\x00Content-Type: text/html\r\nStatus: 404 Not Found\r\n\r\nbody",
        "status_line": "\x01HTTP/1.1 302 Found\r\nLocation: /x\r\nSet-Cookie: a=1\r\n\r\n",
        "bare_lf_folded": "\x01HTTP/1.0 200 OK\nX-A: one\n  two\nConnection: close\n\nrest",
        "chunked": "\x00Transfer-Encoding: gzip, chunked\r\nContent-Length: 12\r\n\r\n",
        "injection": "\x00X: a\rb\r\n\r\n",
        "nul_cut": "\x00X-A: 1\r\n\x00X-B: 2\r\n\r\n",
        "status_only": "\x01 500   \r\n",
    }


def response_translator_seeds():
    # Raw bytes for FuzzedDataProvider: text first (consumed from the front), control from the back.
    return {
        "header_then_body": provider_tail("200 OK", "Content-Type: text/plain\r\n\r\nhello",
                                          "more body") + "\x00\x01\x00\x00\x00\x10\x00\x10\x00\x10",
        "writeclient_status_line": provider_tail("HTTP/1.1 404 Not Found\r\nX: 1\r\n\r\nmissing")
                                   + "\x01\x00\x01\x01\x00\x00\x08\x00",
        "split_cgi_block": provider_tail("Sta", "tus: 201\r\nLocation: /n", "ew\r\n\r\nok")
                           + "\x02\x00\x02\x00\x02\x00\x01\x00\x10\x00\x08",
        "chunked_body": provider_tail("", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                        + "\x00\x00\x00\x00\x0f\x00\x10",
        "redirect": provider_tail("http://localhost/a\"<b>") + "\x03\x00\x00\x00\x00\x10\x00\x10",
        "error_after_body": provider_tail("body first") + "\x05\x01\x04\x01\x00\x01\x00\x01\x00\x10",
    }


def chunked_decoder_seeds():
    return {
        "framed": b"\x00" + b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\nignored",
        "bare_lf": b"\x06" + b"3\nabc\n0\n\n",
        "too_many_digits": b"\x02" + b"1000000000000000\r\n",
        "bad_crlf": b"\x04" + b"2\r\nabX\r\n",
        "roundtrip": b"\x01" + bytes(range(256)) * 3,
        "roundtrip_lf_ext": b"\x2b" + b"payload " * 50,
    }


def credentials_seeds():
    pem = ("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGUgZm9yIGZ1enppbmc=\n"
           "-----END CERTIFICATE-----\n")
    return {
        "basic": "\x00dXNlcjpwYXNzd29yZA==",
        "basic_bad": "\x00dXNlcjp*YXNz",
        "pem": "\x00" + pem,
        "pem_escaped": "\x00" + pem.replace("\n", "%0A").replace("+", "%2B").replace("/", "%2F"),
        "pem_tabs": "\x00" + pem.replace("\nM", "\n\tM"),
        "roundtrip": "\x01\x30\x82\x01\xb3\x30\x82\x01\x59",
        "roundtrip_escaped": "\x03" + "certificate bytes " * 8,
    }


def config_loader_seeds(root):
    sample = (root / "conf" / "isapi-fcgi.yaml").read_text()
    return {
        "sample": sample,
        "minimal": "pools:\n  - name: default\n    listen: unix:/run/x.sock\n",
        "two_pools": "log:\n  level: debug\npools:\n  - name: a\n    listen: tcp:127.0.0.1:9000\n"
                     "    workers: 2\n    extensions:\n      - name: hello\n        path: /x/h.so\n"
                     "        urls: [/hello.dll]\n  - name: b\n    listen: [\"tcp:[::1]:9001\", fd:3]\n"
                     "    allowed_clients: [127.0.0.0/8, \"::1/128\"]\n",
        "bad_values": "shutdown_timeout: 5x\npools:\n  - name: \"bad name!\"\n    listen: unix:rel\n"
                      "    limits: {max_params_bytes: 12XB}\n",
        "anchors": "base: &b {workers: 1}\npools:\n  - <<: *b\n    name: p\n    listen: systemd:web\n",
        "two_documents": "pools: []\n---\npools: []\n",
    }


def iis_import_seeds(root):
    configs = root / "tests" / "iis_import" / "configs"
    seeds = {}
    for selector, name in ((2, "applicationHost.config"), (5, "web.config"), (0, "served.config"),
                           (0, "pools.config"), (0, "contoso/applicationHost.config"),
                           (1, "contoso/orders.web.config")):
        path = configs / name
        if path.exists():
            seeds[name.replace(".", "_").replace("/", "_")] = bytes([selector]) + path.read_bytes()
    seeds["not_iis"] = b"\x00<html><body/></html>"
    seeds["broken_xml"] = b"\x00<configuration><system.webServer><handlers>"
    seeds["quoted_names"] = (
        b"\x00<configuration><system.webServer><handlers>"
        b"<add name='a: b\n- c' path='*.dll' verb='*' modules='IsapiModule' "
        b"scriptProcessor='C:\\x\\&quot;y.dll' resourceType='File'/>"
        b"</handlers><isapiCgiRestriction><add path='C:\\x\\&quot;y.dll' allowed='true'/>"
        b"</isapiCgiRestriction></system.webServer></configuration>")
    return seeds


def reg_file_seeds():
    v5 = (
        "Windows Registry Editor Version 5.00\r\n\r\n"
        "; exported from the IIS machine\r\n"
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Gateway]\r\n"
        "@=\"default text\"\r\n"
        "\"Root\"=\"C:\\\\inetpub\\\\data\\\\\"\r\n"
        "\"Quote\"=\"say \\\"hi\\\"\"\r\n"
        "\"Threads\"=dword:00000010\r\n"
        "\"Blob\"=hex:de,ad,be,ef\r\n"
        "\"Path\"=hex(2):25,00,54,00,4d,00,50,00,25,00,00,00\r\n"
        "\"Hosts\"=hex(7):61,00,00,00,62,00,00,00,00,00\r\n"
        "\"Big\"=hex(b):01,00,00,00,00,00,00,80\r\n"
        "\"Long\"=hex:00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,\\\r\n"
        "  16,17,18,19\r\n\r\n"
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Gateway\\Empty]\r\n")
    deletions = (
        "Windows Registry Editor Version 5.00\n\n[HKCU\\Software\\App]\n\"Gone\"=-\n\"Kept\"=\"x\"\n"
        "[-HKCU\\Software\\App\\Old]\n[hkey_current_user\\SOFTWARE\\app]\n@=dword:ffffffff\n")
    regedit4 = ("REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Caf\xe9]\r\n"
                "\"Name\"=\"Caf\xe9\"\r\n\"Expand\"=hex(2):25,54,45,4d,50,25,e9,00\r\n")
    return {
        "version5": v5,
        "utf8_bom": b"\xef\xbb\xbf" + v5.encode(),
        "utf16_bom": b"\xff\xfe" + v5.encode("utf-16-le"),
        "regedit4_ansi": regedit4.encode("cp1252"),
        "deletions": deletions,
        "errors": "Windows Registry Editor Version 5.00\n[HKEY_NOWHERE\\x]\n\"v\"=hex(zz):01\n",
        "not_reg": "[HKLM\\x]\n",
    }
