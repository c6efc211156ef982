#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints a Mallard topic page as Markdown, so one text serves the help viewer and
the web (docs/how-wbps-works-with-tiktok.md is this script's output for
help/C/tiktok.page; tests/docs checks it is up to date).

Usage: mallard-to-markdown.py PAGE [OUTPUT]
"""
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://projectmallard.org/1.0/}"
INLINE = {"code": "`{}`", "cmd": "`{}`", "file": "`{}`", "gui": "**{}**", "app": "*{}*",
          "em": "*{}*", "sys": "`{}`", "key": "<kbd>{}</kbd>"}


def inline(element):
    text = element.text or ""
    for child in element:
        tag = child.tag.replace(NS, "")
        inner = inline(child)
        if tag == "link":
            target = child.get("href") or "#" + (child.get("xref") or "")
            text += f"[{inner}]({target})" if inner else f"<{target}>"
        elif tag in INLINE:
            text += INLINE[tag].format(inner)
        else:
            text += inner
        text += child.tail or ""
    return re.sub(r"\s+", " ", text).strip()


def block(element, level, out):
    for child in element:
        tag = child.tag.replace(NS, "")
        if tag == "title":
            out.append("#" * level + " " + inline(child))
        elif tag == "p":
            out.append(inline(child))
        elif tag == "section":
            block(child, level + 1, out)
        elif tag == "list":
            out.append("\n".join("- " + " ".join(inline(p) for p in item.findall(NS + "p"))
                                 for item in child.findall(NS + "item")))
        elif tag == "terms":
            out.append("\n".join(f"- {inline(item.find(NS + 'title'))}: "
                                 + " ".join(inline(p) for p in item.findall(NS + "p"))
                                 for item in child.findall(NS + "item")))
        elif tag == "info":
            continue
        else:
            raise SystemExit(f"{tag}: not supported by mallard-to-markdown")


def convert(path):
    out = []
    block(ET.parse(path).getroot(), 1, out)
    note = "<!-- Generated from help/C/{} by build-aux/mallard-to-markdown.py; edit that page. -->"
    return note.format(path.rsplit("/", 1)[-1]) + "\n\n" + "\n\n".join(out) + "\n"


if __name__ == "__main__":
    text = convert(sys.argv[1])
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
