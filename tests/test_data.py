"Process-level tests of finalbn.leaves and finalbn.data: concurrent cache builds, and rebuilding a run in a new process."
import hashlib, os, subprocess, sys, textwrap
from pathlib import Path
from finalbn.leaves import embedded_name

def run_py(code, env):
    "Run `code` in a fresh Python process with `env`; its stdout."
    r = subprocess.run([sys.executable, '-c', textwrap.dedent(code)], env={**os.environ, **env},
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout

def tree_hash(root):
    return hashlib.sha1(b''.join(p.relative_to(root).as_posix().encode() + p.read_bytes()
                                 for p in sorted(Path(root).rglob('*.jpg')))).hexdigest()

SMALL = """
import finalbn.leaves as L
L.EMBEDDED.update(n_healthy=12, n_unhealthy={p: 8 for p in L.PLANTS})
"""

def test_embedded_concurrent_builds(tmp_path):
    "Processes that build the embedded tree at the same time all get the same complete tree, and no temp folder stays."
    env = {'FINALBN_HOME': str(tmp_path)}
    code = SMALL + "print(L.embedded_leaves(size=16, seed=3))"
    procs = [subprocess.Popen([sys.executable, '-c', code], env={**os.environ, **env}, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    paths = {o[0].strip() for o in outs}
    assert len(paths) == 1
    root = Path(paths.pop())
    assert root.parent == tmp_path and root.name == embedded_name(16, 3)
    assert [p.name for p in tmp_path.iterdir()] == [root.name]
    assert len(list(root.rglob('*.jpg'))) == 10 * 12 + 10 * 8
    (tmp_path/'again').mkdir()
    again = Path(run_py(SMALL + "print(L.embedded_leaves(size=16, seed=3))", {'FINALBN_HOME': str(tmp_path/'again')}).strip())
    assert tree_hash(again) == tree_hash(root)

def test_manifest_rebuilds_run_in_new_process(tmp_path):
    "A manifest written by one process rebuilds the same split and batches in another, which reuses the on-disk decode cache."
    env = {'FINALBN_HOME': str(tmp_path/'home')}
    write = f"""
    import numpy as np
    from finalbn.leaves import make_leaves
    from finalbn.data import *
    root = make_leaves({str(tmp_path/'tree')!r}, plants=['Pepper,_bell'], n_healthy=40, n_unhealthy=30, size=32)
    split = imbalanced_split(root, 'Pepper', train=(20, 5), valid=(6, 3), test=(8, 8), seed=7)
    write_manifest(split, {str(tmp_path/'run'/'manifest.csv')!r})
    dls = split_dls(split, size=24, bs=4, disk=True)
    np.save({str(tmp_path/'batch.npy')!r}, dls.valid.one_batch()[0].numpy())
    print(manifest_hash(split))
    """
    h = run_py(write, env).strip()
    assert len(list((tmp_path/'home'/'decoded').glob(f'{h}-24px.npy'))) == 1
    read = f"""
    import numpy as np, finalbn.data as D
    def no_decoding(*a, **k): raise AssertionError('decoded again')
    D.load_image = no_decoding
    split = D.read_manifest({str(tmp_path/'run'/'manifest.csv')!r})
    dls = D.split_dls(split, size=24, bs=4, disk=True)
    assert (dls.valid.one_batch()[0].numpy() == np.load({str(tmp_path/'batch.npy')!r})).all()
    print(D.manifest_hash(split))
    """
    assert run_py(read, env).strip() == h
