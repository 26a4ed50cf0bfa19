"The `finalbn` command as a user runs it: errors before any training, quick, report, configs."
import json, subprocess, sys, sqlite3
from pathlib import Path
import pytest

FINALBN = [str(Path(sys.executable).parent/'finalbn')]
TINY = ['--preset', 'scratch', '--set', 'size=16', 'epochs=1', 'n_major=60', 'ratio=20', 'n_valid=10', 'n_valid_minor=2', 'n_test=10', 'bs=16']

def finalbn(*args, timeout=600):
    return subprocess.run(FINALBN+[str(a) for a in args], capture_output=True, text=True, timeout=timeout)

@pytest.mark.parametrize('args, msg', [
    (['--preset', 'fast'], "unknown preset 'fast'; allowed: quick, scratch, paper"),
    (['--grid', 'factorial', '--factors', 'bn,dropout'], "unknown factor(s) ['dropout']; allowed: bn, wl, da, mx, uf, wd"),
    (['--archs', 'resnet1000'], "unknown arch 'resnet1000'; allowed: 'small_cnn'"),
    (['--plants', 'Banana'], "unknown plant 'Banana'; allowed:"),
    (['--preset', 'scratch', '--grid', '64'], "uf=True (train_bn) only acts on a frozen body"),
    (['--grid', 'cube'], "unknown grid 'cube'; allowed: trio, 64, factorial, none"),
    (['--set', 'epochz=3'], "unknown config field(s) ['epochz']; allowed: source"),
    (['--set', 'infer_bn=drop'], "infer_bn='drop' needs a final BN"),
    (['--preset', 'paper'], "preset 'paper' needs path="),
    (['--preset', 'paper', '--set', 'path=/pv', '--plants', 'Orange'], "PlantVillage has no healthy Orange images"),
    (['--vary', 'ratio=ten'], "ratio takes a float, not 'ten'"),
    (['--seeds', 'x'], "--seeds takes N, a:b or a,b,c"),
])
def test_bad_input_refused_before_training(tmp_path, args, msg):
    store = tmp_path/'r.db'
    out = finalbn('sweep', '--store', store, *args)
    assert out.returncode!=0
    assert msg in out.stderr, out.stderr
    assert not store.exists()                 # refused before anything was written or trained

def test_unwritable_store(tmp_path):
    (tmp_path/'file').write_text('not a folder')
    out = finalbn('sweep', '--store', tmp_path/'file'/'r.db', *TINY)
    assert out.returncode!=0 and 'cannot create the folder of the results store' in out.stderr
    out = finalbn('sweep', '--store', tmp_path, *TINY)
    assert out.returncode!=0 and 'is a folder' in out.stderr

def test_quick_and_report(tmp_path):
    store, png = tmp_path/'q.db', tmp_path/'t1.png'
    out = finalbn('quick', '--store', store, '--png', png, '--seeds', '2', '--no-progress', *TINY)
    assert out.returncode==0, out.stderr
    assert '18 runs; 0 already done, 18 to run' in out.stdout
    for s in ('paper A BN', 'Apple', 'Pepper', 'Tomato', 'unhealthy', '±'): assert s in out.stdout
    assert png.stat().st_size > 10_000
    with sqlite3.connect(store) as con: assert con.execute("SELECT COUNT(*) FROM runs WHERE status='ok'").fetchone()[0]==18
    rep = finalbn('report', '--store', store, '--plants', 'Apple')
    assert rep.returncode==0 and 'Apple' in rep.stdout and 'Tomato' not in rep.stdout
    rep = finalbn('report', '--store', store, '--table', 'gain', '--by', 'plant')
    assert rep.returncode==0 and 'gain' in rep.stdout
    rep = finalbn('report', '--store', store, '--table', 'pie')
    assert rep.returncode!=0 and "unknown table 'pie'; allowed: table1, ranking, effects, gain" in rep.stderr
    rep = finalbn('report', '--store', tmp_path/'none.db')
    assert rep.returncode!=0 and 'no results store at' in rep.stderr

def test_configs_and_presets():
    out = finalbn('configs')
    assert out.returncode==0 and len(out.stdout.strip().splitlines())==66   # two header lines + 64 ids
    out = finalbn('presets')
    assert out.returncode==0 and 'quick:' in out.stdout and 'paper:' in out.stdout

def test_bench_quick(tmp_path):
    "`finalbn bench` on a tiny config writes its JSON record and prints its table."
    out = tmp_path/'bench.json'
    r = finalbn('bench', '--quick', '--no-sweep', '--preset', 'scratch', '--set', 'size=16', 'epochs=1', 'n_major=100', 'ratio=20',
                'n_valid=20', 'n_valid_minor=2', 'n_test=20', 'bs=16', '--reps', '3', '--out', out, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    rec = json.loads(out.read_text())
    assert rec and 'load' in json.dumps(rec), list(rec)
