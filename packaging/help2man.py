#!/usr/bin/env python3
"""Writes a man page (groff -man) from a kingpin-style `--help` output.

Usage: help2man.py NAME VERSION DATE SUMMARY < help.txt > NAME.1
Flag lines ("  -h, --flag=DEFAULT  text") become .TP entries; their indented
continuation lines join the entry's text. Everything else is copied as text.
"""
import re
import sys

name, version, date, summary = sys.argv[1:5]
help_text = sys.stdin.read()


def esc(s: str) -> str:
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return s


def line(s: str) -> str:
    s = esc(s)
    return "\\&" + s if s.startswith((".", "'")) else s


out = [
    f'.TH {name.upper()} 1 "{date}" "{name} {version}" "User Commands"',
    ".ad l",
    ".nh",
    ".SH NAME",
    f"{esc(name)} \\- {esc(summary)}",
    ".SH SYNOPSIS",
    f".B {esc(name)}",
    "[\\fIflags\\fR]",
    ".SH DESCRIPTION",
    line(summary[0].upper() + summary[1:] + "."),
    f"This page is generated from the output of \\fB{esc(name)} \\-\\-help\\fR.",
    ".SH OPTIONS",
]
flag = re.compile(r"^ {2,6}(?:-\w, )?--\S")
entry = None  # [flag, [text...]]
entries = []
for raw in help_text.splitlines():
    if raw.startswith("usage:") or raw.strip() in ("Flags:", ""):
        continue
    if flag.match(raw):
        parts = re.split(r"\s{2,}", raw.strip(), maxsplit=1)
        entry = [parts[0], [parts[1]] if len(parts) > 1 and parts[1] else []]
        entries.append(entry)
    elif entry is not None and raw.startswith(" " * 20):
        entry[1].append(raw.strip())
    else:
        entries.append([None, [raw.strip()]])
for f, text in entries:
    if f is None:
        out.append(".PP")
        out.append(line(" ".join(text)))
        continue
    out.append(".TP")
    # \: lets groff break a long default value (a regex, a list) after , | / =.
    tag = re.sub(r"([,|/=])", lambda m: m.group(1) + "\\:", esc(f))
    out.append(f"\\fB{tag}\\fR")
    if text:
        out.append(line(" ".join(text)))
out += [
    ".SH FILES",
    f".I /etc/default/{esc(name)}",
    f"holds \\fBARGS\\fR, the flags the systemd unit \\fB{esc(name)}.service\\fR adds.",
    ".SH SEE ALSO",
    f".I /usr/share/doc/{esc(name)}/README.Debian",
]
print("\n".join(out))
