"The layout a reader meets: each module notebook imports only modules of lower-numbered notebooks, the package has no import circle, and the CLI sits on top."
import ast, json, re
from pathlib import Path

root = Path(__file__).resolve().parents[1]

def notebooks()->dict:
    "module name -> (number, the finalbn modules its code cells import, strings naming 'finalbn.X:' targets included)."
    out = {}
    for p in sorted((root/'nbs').glob('[0-9][0-9]_*.ipynb')):
        code = [''.join(c['source']) for c in json.loads(p.read_text())['cells'] if c['cell_type']=='code']
        mod, = [m.group(1) for s in code for m in [re.search(r'#\| default_exp (\w+)', s)] if m]
        text = '\n'.join(code)
        uses = set(re.findall(r'(?:from|import) finalbn\.(\w+)', text)) | set(re.findall(r"'finalbn\.(\w+):", text))
        out[mod] = (int(p.name[:2]), uses - {mod})
    return out

def test_notebooks_import_only_lower_numbers():
    "Every module notebook imports finalbn modules of lower-numbered notebooks only."
    nbs = notebooks()
    bad = [(m, u) for m,(n,uses) in nbs.items() for u in uses if u in nbs and nbs[u][0] >= n]
    assert bad == [], f"notebooks importing a module of a notebook numbered at or above their own: {bad}"
    assert max(nbs.values())[0] == nbs['cli'][0], "the CLI's notebook is the last one"

def test_package_has_no_import_circle():
    "The finalbn modules' relative imports form no circle."
    deps = {}
    for p in (root/'finalbn').glob('*.py'):
        tree = ast.parse(p.read_text())
        deps[p.stem] = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level==1 and n.module}
    seen, done = set(), set()
    def visit(m, path):
        assert m not in seen - done, f"import circle: {' -> '.join(path + [m])}"
        if m in done: return
        seen.add(m)
        for d in deps.get(m, ()): visit(d, path + [m])
        done.add(m)
    for m in deps: visit(m, [])
