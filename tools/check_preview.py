"""Open pages of the docs preview (`python tools/docs.py preview`) in headless Chromium and fail on what a reader
should not see: raw Quarto/pandoc syntax (`{target="_blank"}`, `{.class}`, `{#id}`, `:::`, `{=html}`, `{{< >}}`), raw
TeX outside code, a frozen fastprogress bar, a page without a title or without the sidebar and its sections.

    python tools/check_preview.py                      # the home, callback and two study pages
    python tools/check_preview.py callback.html ...    # other pages, relative to _preview/

The browser is `$CHROMIUM`, else the first of chromium, chromium-browser, google-chrome on PATH. It reads only the local
files: no network is needed, and pages that try to load something from it (a CDN) still have to pass."""
import os, re, shutil, subprocess, sys, tempfile
from html.parser import HTMLParser
from pathlib import Path
import yaml

root = Path(__file__).resolve().parents[1]
preview = root/'_preview'
PAGES = ['index.html', 'callback.html', 'study/table1.html', 'study/why.html']
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--disable-extensions', '--virtual-time-budget=5000']
RAW = re.compile(r'\{[#.][A-Za-z][^{}\n]*\}|\{[\w-]+=(?:"[^"]*"|[^\s{}]+)[^{}\n]*\}|\{=\w+\}|^\s*:::|\{\{<', re.M)
TEX = re.compile(r'\\(?:frac|sum|sqrt|text|mathrm|bar|hat|alpha|beta|gamma|sigma|mu|log|mapsto)(?![A-Za-z])|\$\$|'
                 r'(?<![\w$])\$[^\s$][^$\n]*\$(?!\d)')

class Text(HTMLParser):
    "The visible text of a DOM, `all` of it and `prose` (outside code), the title, and the sidebar's text and links."
    HIDDEN, CODE, VOID = {'head', 'script', 'style', 'template', 'noscript'}, {'pre', 'code'}, {
        'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}
    def __init__(self):
        super().__init__()
        self.stack, self.all, self.prose, self.title, self.nav, self.nav_links = [], [], [], '', [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'a' and 'sidebar' in self.ids(): self.nav_links += 1
        if tag not in self.VOID: self.stack.append((tag, a.get('id'), 'hidden' in a))
    def handle_endtag(self, tag):
        for i in range(len(self.stack)-1, -1, -1):
            if self.stack[i][0] == tag: del self.stack[i:]; break
    def ids(self): return {i for _, i, _ in self.stack}
    def handle_data(self, data):
        tags = {t for t, _, _ in self.stack}
        if 'title' in tags and 'head' in tags: self.title += data
        if tags & self.HIDDEN or any(h for _, _, h in self.stack): return
        self.all.append(data)
        if not tags & self.CODE: self.prose.append(data)
        if 'sidebar' in self.ids(): self.nav.append(data)

def problems(dom, sections):
    "What is wrong with one page's DOM, as readable lines (empty when the page passes)."
    t = Text()
    t.feed(dom)
    text, prose, errs = ''.join(t.all), ''.join(t.prose), []
    def shown(m, s): return repr(s[max(0, m.start()-40):m.end()+40].replace('\n', ' '))
    errs += [f'raw Quarto syntax {m[0]!r} in {shown(m, text)}' for m in RAW.finditer(text)]
    errs += [f'raw TeX {m[0]!r} in {shown(m, prose)}' for m in TEX.finditer(prose)]
    errs += [f'a frozen progress bar {m[0]!r}' for m in re.finditer(r'\d+\.\d\d% \[\d+/\d+ [\d:]+<', text)]
    if not t.title.strip(): errs.append('no <title>')
    nav = ' '.join(''.join(t.nav).split())
    if not t.nav_links: errs.append('no sidebar (<nav id="sidebar"> with links)')
    errs += [f'sidebar without the section {s!r}' for s in sections if t.nav_links and s not in nav]
    return errs

def browser():
    "The Chromium to run: $CHROMIUM, else the first one on PATH."
    found = os.environ.get('CHROMIUM') or next(filter(None, map(shutil.which, ['chromium', 'chromium-browser', 'google-chrome'])), None)
    if not found: sys.exit('check_preview: no Chromium found (install the chromium package or set $CHROMIUM)')
    return found

def dump_dom(exe, page):
    "The DOM of a local page after Chromium has loaded it."
    with tempfile.TemporaryDirectory() as profile:
        r = subprocess.run([exe, *FLAGS, f'--user-data-dir={profile}', '--dump-dom', page.as_uri()],
                           capture_output=True, text=True, timeout=120)
    if r.returncode or '<body' not in r.stdout: sys.exit(f'check_preview: Chromium failed on {page} ({r.returncode}):\n{r.stderr[-2000:]}')
    return r.stdout

def main(pages):
    side = yaml.safe_load((root/'nbs/sidebar.yml').read_text())['website']['sidebar']['contents']
    sections = [it['section'] for it in side if isinstance(it, dict)]
    exe, failed = browser(), 0
    for name in pages:
        page = preview/name
        if not page.exists(): sys.exit(f'check_preview: {page} does not exist: run `python tools/docs.py preview` first')
        errs = problems(dump_dom(exe, page), sections)
        print(f"{'FAIL' if errs else 'ok  '} {name}" + ''.join(f'\n     {e}' for e in errs))
        failed += bool(errs)
    if failed: sys.exit(f'check_preview: {failed} of {len(pages)} pages show raw Quarto syntax, raw TeX, a frozen progress bar or no sidebar')

if __name__ == '__main__': main(sys.argv[1:] or PAGES)
