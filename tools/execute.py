"""Execute notebooks in place for the docs: every code cell in order, in the notebook's folder, without `IN_TEST` (so
study notebooks read the committed store and module notebooks show their full demos), keeping the saved outputs of
cells flagged `slow` or `gpu`, which it does not run (nbdev-test skips them too, so no other cell needs them).

    python tools/execute.py nbs/04_data.ipynb nbs/study/11_remedies.ipynb
    python tools/execute.py --slow nbs/25_cli.ipynb    # the slow cells too

fastprogress prints its bars as console text here; a notebook that shows training bars is executed in a Jupyter kernel
instead (`jupyter nbconvert --to notebook --execute --inplace`), where they are displays, which the docs drop.
"""
import os, re, sys, time
from pathlib import Path
from fastcore.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory

SKIP = {'slow', 'gpu'}

def flags(source:str)->set:
    "The words of a cell's `#|` directive lines."
    return {w for l in source.splitlines() if l.startswith('#|') for w in re.split(r'[\s:]+', l[2:].strip()) if w}

def execute(fn:Path, skip_flags:set=SKIP):
    "Run the notebook `fn` and write its outputs back; raise on the first cell that fails, leaving the file as it was."
    nb, sh = read_nb(fn), CaptureShell(fn)
    skip = lambda c: c.cell_type!='code' or bool(flags(c.source) & skip_flags) or 'nbdev_export' in c.source
    with working_directory(fn.parent): sh.run_all(nb, exc_stop=True, preproc=skip)
    write_nb(nb, fn)

if __name__ == '__main__':
    os.environ.pop('IN_TEST', None)
    args = sys.argv[1:]
    skip = SKIP - {'slow'} if '--slow' in args else SKIP
    for f in [a for a in args if a!='--slow']:
        t = time.perf_counter(); execute(Path(f).resolve(), skip); print(f"{f}: {time.perf_counter()-t:.0f} s")
