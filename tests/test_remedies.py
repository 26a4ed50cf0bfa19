"Remedies from the command line: a sweep over `remedy` on a folder tree of one's own, with no Python code; bad remedy values refused before training."
import sqlite3, json
import numpy as np
from PIL import Image
import pytest

from conftest import finalbn

@pytest.fixture(scope='module')
def tree(tmp_path_factory):
    "Two classes of 16 px images, 60 reddish and 20 greenish, one folder each."
    root, rng = tmp_path_factory.mktemp('pets'), np.random.default_rng(0)
    for label, n, rgb in (('cat', 60, (180, 60, 60)), ('fox', 20, (60, 180, 60))):
        (root/label).mkdir()
        for i in range(n):
            Image.fromarray(np.clip(rng.normal(rgb, 40, (16, 16, 3)), 0, 255).astype(np.uint8)).save(root/label/f"{i}.png")
    return root

def test_sweep_remedies_on_a_folder(tree, tmp_path):
    store = tmp_path/'r.db'
    out = finalbn('sweep', '--store', store, '--preset', 'tiny', '--grid', 'none', '--seeds', '1', '--no-progress',
                  '--set', 'source=folder', f'path={tree}', 'roles=cat=majority,fox=minority', 'plant=', 'n_valid_minor=3', 'epochs=2',
                  '--vary', 'remedy=none,la_loss,cb_focal,threshold', 'bn=false,true')
    assert out.returncode==0, out.stdout[-2000:] + out.stderr[-2000:]
    assert '8 configs x 1 seeds = 8 runs' in out.stdout
    with sqlite3.connect(store) as con:
        rows = [(json.loads(c)['remedy'], json.loads(c)['bn'], s, json.loads(i)) for c,s,i in con.execute('SELECT config, status, info FROM runs')]
    assert sorted((r, b) for r,b,_,_ in rows) == sorted((r, b) for r in ('none','la_loss','cb_focal','threshold') for b in (False, True))
    assert {s for _,_,s,_ in rows} == {'ok'}
    assert all('posthoc_value' in i for r,_,_,i in rows if r=='threshold')   # the tuned threshold is kept with the run
    rep = finalbn('report', '--store', store, '--table', 'gain', '--by', 'remedy')  # the final BN's gain beside each remedy
    assert rep.returncode==0 and all(r in rep.stdout for r in ('la_loss', 'cb_focal', 'threshold')), rep.stdout + rep.stderr

def test_bad_remedy_refused_before_training(tmp_path):
    "A remedy that cannot run stops the command before anything is written (each refusal is tested where it lives: `07_config`)."
    store = tmp_path/'r.db'
    out = finalbn('sweep', '--store', store, '--preset', 'tiny', '--set', 'remedy=cb_ce', 'wl=true')
    assert out.returncode!=0 and 'correct the imbalance twice' in out.stderr, out.stderr
    assert not store.exists()
