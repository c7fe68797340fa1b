#!/usr/bin/env python3
"""Checks the documentation's links.

- every relative link in README.md and docs/*.md points to an existing file or folder;
- every #anchor (in the same page or another .md page) matches a heading, using GitHub's slug rules;
- every docs/... path cited in src, tests, bench, scripts and the top-level shell scripts exists.

Links inside fenced code blocks and inline code are ignored. Exit code 1 when anything is broken.
"""
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINK = re.compile(r'(?<!\!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+"[^"]*")?\)')
AUTOLINK = re.compile(r'<(https?://[^>]+)>')
HEADING = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')
FENCE = re.compile(r'^\s*(```|~~~)')


def lines_outside_code(path):
    """(line number, text) of the lines that are not inside fenced code blocks."""
    fenced = False
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if FENCE.match(line):
                fenced = not fenced
                continue
            if not fenced:
                yield number, line.rstrip('\n')


def strip_inline_code(text):
    return re.sub(r'(`+)(.+?)\1', '', text)


def slug(heading):
    """GitHub's anchor for a heading: rendered text, lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', heading)   # links: their text
    text = re.sub(r'<[^>]+>', '', text)                        # inline HTML
    text = text.replace('`', '')                               # code spans keep their text
    text = re.sub(r'(\*\*|__|\*)', '', text)                   # emphasis markers
    text = text.strip().lower()
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in '-_ ' or cat[0] in 'LN' or cat == 'Mn':
            kept.append(ch)
    return ''.join(kept).replace(' ', '-')


def anchors(path, cache={}):
    if path not in cache:
        seen = {}
        result = set()
        for _, line in lines_outside_code(path):
            m = HEADING.match(line)
            if not m:
                continue
            base = slug(m.group(2))
            n = seen.get(base, 0)
            result.add(base if n == 0 else f'{base}-{n}')
            seen[base] = n + 1
        cache[path] = result
    return cache[path]


def duplicate_headings(path):
    counts = {}
    for number, line in lines_outside_code(path):
        m = HEADING.match(line)
        if m:
            counts.setdefault(slug(m.group(2)), []).append(number)
    return {s: n for s, n in counts.items() if len(n) > 1}


def check_pages(pages):
    problems = []
    links = 0
    for page in pages:
        for number, line in lines_outside_code(page):
            for target in LINK.findall(strip_inline_code(line)):
                if re.match(r'^[a-z][a-z0-9+.-]*:', target):   # http:, https:, mailto:
                    continue
                links += 1
                file_part, _, anchor = target.partition('#')
                dest = page if not file_part else os.path.normpath(os.path.join(os.path.dirname(page), file_part))
                where = f'{os.path.relpath(page, ROOT)}:{number}: {target}'
                if not os.path.exists(dest):
                    problems.append(f'{where}: no such file {os.path.relpath(dest, ROOT)}')
                    continue
                if anchor:
                    if not dest.endswith('.md'):
                        problems.append(f'{where}: anchor on a file that is not Markdown')
                    elif anchor not in anchors(dest):
                        problems.append(f'{where}: no heading with anchor #{anchor} in {os.path.relpath(dest, ROOT)}')
        for s, numbers in duplicate_headings(page).items():
            problems.append(f'{os.path.relpath(page, ROOT)}: heading anchor #{s} repeats on lines {numbers} (later ones get -1, -2…)')
    return links, problems


def check_cited_docs():
    problems = []
    cited = 0
    cite = re.compile(r'(?<![\w./-])(docs/[\w./-]*\w)')
    places = ['src', 'tests', 'bench', 'scripts']
    files = [os.path.join(ROOT, f) for f in os.listdir(ROOT) if f.endswith('.sh')]
    files += [os.path.join(ROOT, '.ci', f) for f in os.listdir(os.path.join(ROOT, '.ci'))] if os.path.isdir(os.path.join(ROOT, '.ci')) else []
    for place in places:
        for folder, dirs, names in os.walk(os.path.join(ROOT, place)):
            dirs[:] = [d for d in dirs if d not in ('bin', 'obj', 'TestResults')]
            files += [os.path.join(folder, n) for n in names]
    for path in files:
        if os.path.abspath(path) == os.path.abspath(__file__):
            continue
        try:
            with open(path, encoding='utf-8') as f:
                text = f.read()
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for target in cite.findall(line):
                cited += 1
                if not os.path.exists(os.path.join(ROOT, target)):
                    problems.append(f'{os.path.relpath(path, ROOT)}:{number}: cites {target}, which does not exist')
    return cited, problems


def main():
    docs = os.path.join(ROOT, 'docs')
    pages = [os.path.join(ROOT, 'README.md')]
    pages += sorted(os.path.join(docs, n) for n in os.listdir(docs) if n.endswith('.md')) if os.path.isdir(docs) else []
    links, problems = check_pages(pages)
    cited, cite_problems = check_cited_docs()
    problems += cite_problems
    for p in problems:
        print(p)
    print(f'{len(pages)} pages, {links} relative links and anchors, {cited} docs/ citations in code: '
          f'{"OK" if not problems else f"{len(problems)} problem(s)"}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
