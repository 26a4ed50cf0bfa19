"Head-only runs on cached features against runs on the images: the same results on a dozen configurations, and two sweeps sharing one cache at once."
import json, sqlite3, subprocess
import numpy as np
from finalbn.config import RunConfig, STUDY_DIFFICULTY
from finalbn.run import run, check_data
from finalbn.report import minority_f1
from finalbn.features import features_key, features_dir

from conftest import FINALBN
# finalbn's pretrained body, frozen, on the study's leaves, scaled down: 100 healthy / 5 unhealthy training images, 3 epochs
BASE = RunConfig(plant='Apple', difficulty=STUDY_DIFFICULTY, arch='resnet10t', pretrained='leaves-resnet10t', frozen=True, size=64,
                 epochs=3, lr=1e-2, n_major=100, ratio=20., n_valid=20, n_valid_minor=3, n_test=30, bs=16)
# the trio on two plants, two remedies (a second stage and a head surgery), the final BN dropped and folded; three seeds
DOZEN = [BASE.replace(**kw) for kw in (
    dict(), dict(wl=True), dict(bn=True),
    dict(plant='Tomato', seed=1), dict(plant='Tomato', seed=1, wl=True), dict(plant='Tomato', seed=1, bn=True),
    dict(remedy='crt', seed=2), dict(remedy='ldam_drw', seed=2), dict(remedy='threshold', bn=True, seed=1),
    dict(bn=True, infer_bn='drop', seed=2), dict(bn=True, infer_bn='fold', seed=1), dict(plant='Tomato', bn=True, infer_bn='drop'))]

def test_features_agree_with_images():
    "Each configuration: the same test predictions (>= 99 % of images; in fact all), minority F1 within 0.01, probabilities within 1e-3."
    diffs = []
    for c in DOZEN:
        f, i = run(c, threads=1), run(c, threads=1, features=False)
        assert (f['status'], i['status']) == ('ok', 'ok'), (c, f['reason'], i['reason'])
        assert (f['info']['trained_on'], i['info']['trained_on']) == ('features', 'images')
        agree = (f['probs'].argmax(1) == i['probs'].argmax(1)).mean()
        df1 = abs(minority_f1(f['metrics'], f['info']) - minority_f1(i['metrics'], i['info']))
        dp = np.abs(f['probs'] - i['probs']).max()
        diffs.append((agree, df1, dp))
        assert agree >= 0.99 and df1 <= 0.01 and dp <= 1e-3, (c, agree, df1, dp)
    print(f"{len(DOZEN)} configurations: lowest agreement {min(d[0] for d in diffs):.3f}, largest minority F1 difference "
          f"{max(d[1] for d in diffs):.4f}, largest probability difference {max(d[2] for d in diffs):.2e}")

def test_two_sweeps_share_one_cache(tmp_path):
    "Two sweeps started at once on the same split (two workers each): its features are computed by one run and read by the other five."
    seed = 7777  # a split no other test uses; its features are removed first, so that this test computes them
    cfg = RunConfig(**{**BASE.asdict(), 'seed': seed})
    ident = check_data([cfg])[(cfg.key, seed)]
    (features_dir()/f"{features_key(cfg.arch, cfg.size, ident)}.npz").unlink(missing_ok=True)
    args = lambda store: FINALBN + ['sweep', '--store', str(store), '--preset', 'quick', '--plants', 'Apple', '--seeds', f'{seed}:{seed+1}',
                                    '--backend', 'process', '--workers', '2', '--no-progress', '--set'] + \
                                   [f'{k}={getattr(BASE, k)}' for k in ('epochs', 'n_major', 'ratio', 'n_valid', 'n_valid_minor', 'n_test', 'bs')]
    stores = [tmp_path/'a.db', tmp_path/'b.db']
    procs = [subprocess.Popen(args(s), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for s in stores]
    for p in procs: assert p.wait(timeout=600) == 0, p.stdout.read()
    infos = []
    for s in stores:
        with sqlite3.connect(s) as con: rows = con.execute('SELECT status, info FROM runs').fetchall()
        assert [r[0] for r in rows] == ['ok']*3
        infos += [json.loads(r[1]) for r in rows]
    assert sorted(i['features'] for i in infos) == ['computed'] + ['read']*5
    assert {i['trained_on'] for i in infos} == {'features'}
