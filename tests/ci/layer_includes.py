#!/usr/bin/env python3
"""A source folder includes only the folders its layer may use (docs/architecture.md, "Layers").

usage: layer_includes.py SOURCE_ROOT FOLDER=ALLOWED,ALLOWED... ...
       e.g. layer_includes.py src engine=engine,fcgi config=logging/access_log_template.hpp

Every quoted include of the form "DIR/file" in FOLDER's .hpp/.cpp/.h files names a source
folder DIR; one whose folder is not in FOLDER's allowed list, and whose "DIR/file" is not
either (an entry with a slash allows that one header of a folder), is a layering violation.
Prints each (file, line, include) and exits 1, or prints what was checked and exits 0.
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"(([a-z0-9_]+)/[^"]+)"', re.M)


def violations(root: pathlib.Path, folder: str, allowed: set):
    checked, found = 0, []
    for path in sorted((root / folder).rglob("*")):
        if path.suffix not in (".hpp", ".cpp", ".h"):
            continue
        checked += 1
        text = path.read_text(encoding="utf-8")
        for match in INCLUDE.finditer(text):
            if match.group(2) not in allowed and match.group(1) not in allowed:
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(root)}:{line}: {match.group(0).strip()} "
                             f"({folder} may use {', '.join(sorted(allowed))})")
    return checked, found


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    root = pathlib.Path(argv[1])
    total, problems = 0, []
    for rule in argv[2:]:
        folder, _, allowed = rule.partition("=")
        if not (root / folder).is_dir():
            print(f"no folder {root / folder}", file=sys.stderr)
            return 2
        checked, found = violations(root, folder, set(filter(None, allowed.split(","))) | {folder})
        total += checked
        problems += found
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"{total} files in {len(argv) - 2} folder(s): every include within its layer")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
