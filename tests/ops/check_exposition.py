#!/usr/bin/python3
"""Parses a metrics page with Prometheus' own parsers (python3-prometheus-client): the text
format 0.0.4, or OpenMetrics 1.0 (strict: types, family order, # EOF). Prints one line a sample,
"TYPE NAME{LABELS} VALUE" with the labels sorted by name; exits 1 with the parser's complaint.

usage: check_exposition.py prometheus|openmetrics FILE
"""
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics_families
from prometheus_client.parser import text_string_to_metric_families as prometheus_families


def main():
    form, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    parse = openmetrics_families if form == "openmetrics" else prometheus_families
    try:
        for family in parse(text):
            for sample in family.samples:
                labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
                print(f"{family.type} {sample.name}{{{labels}}} {sample.value:g}")
    except Exception as e:  # the parsers raise ValueError and others
        print(f"{form} parse error: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
