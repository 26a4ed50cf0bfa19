"The `finalbn` command as a user runs it: errors before any training, quick, report, configs."
import json, sqlite3
from pathlib import Path
import pytest
from finalbn.verdict import VERDICTS
from finalbn.cli import main

from conftest import TINY, finalbn

@pytest.mark.parametrize('args, msg', [
    (['--preset', 'fast'], "argument --preset: invalid choice: 'fast'"),
    (['--grid', 'factorial', '--factors', 'bn,dropout'], "unknown factor(s) ['dropout']; allowed: bn, wl, da, mx, uf, wd"),
    (['--archs', 'resnet1000'], "unknown arch 'resnet1000'; allowed: 'small_cnn'"),
    (['--plants', 'Banana'], "unknown plant 'Banana'; allowed:"),
    (['--preset', 'scratch', '--grid', '64'], "uf=True (train_bn) only acts on a frozen body"),
    (['--grid', 'cube'], "argument --grid: invalid choice: 'cube'"),
    (['--set', 'epochz=3'], "unknown config field(s) ['epochz']; allowed: source"),
    (['--set', 'infer_bn=drop'], "infer_bn='drop' needs a final BN"),
    (['--preset', 'paper'], "preset 'paper' needs path="),
    (['--preset', 'paper', '--set', 'path=/no/such/pv', '--plants', 'Strawberry'], "/no/such/pv is not a folder"),
    (['--plants', 'Apple', '--set', 'plant=Pepper'], "give the plant once: --set plant= or --plants, not both"),
    (['--set', 'lr=nan'], "lr must be a finite number, not nan"),
    (['--set', 'ratio=inf'], "ratio must be a finite number, not inf"),
    (['--threads', '-1'], "--threads must be >= 1, not -1"),
    (['--workers', '0'], "--workers must be >= 1, not 0"),
    (['--seeds', '0'], "--seeds '0' names no seed"),
    (['--seeds=-1,2'], "names a negative seed"),
    (['--set', 'n_major=20', 'ratio=10', 'bs=32'], "is smaller than one batch (bs=32)"),
    (['--set', 'n_major=5000'], "Not enough"),
    (['--vary', 'ratio=ten'], "ratio takes a number, not 'ten'"),
    (['--seeds', 'x'], "--seeds takes N, a:b or a,b,c"),
])
def test_bad_input_refused_before_training(tmp_path, capsys, args, msg):
    "In one process (`finalbn.cli.main`, what the console script calls): each bad input stops the sweep with a message."
    store = tmp_path/'r.db'
    with pytest.raises(SystemExit) as e: main(['sweep', '--store', str(store), *args])
    err = f"{e.value.code}\n{capsys.readouterr().err}"
    assert e.value.code not in (0, None) and msg in err, err
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
    for s in ('paper A', 'Apple', 'Pepper', 'Tomato', 'unhealthy', '±'): assert s in out.stdout
    table = [l for l in out.stdout.splitlines() if not l.startswith('finalbn ') and 'final BN vs none' not in l]
    assert len(table) >= 6 and max(map(len, table)) <= 100                      # the quick reproduction's table fits 100 columns
    lines = out.stdout.splitlines()
    gains = [i for i,l in enumerate(lines) if 'final BN vs none' in l]
    assert [lines[i].split()[0] for i in gains]==['Apple', 'Pepper', 'Tomato']  # one gain line per plant,
    assert all(lines[i+1].strip().startswith(VERDICTS) for i in gains)           # then its verdict and why
    assert 'AUC' in out.stdout                                                    # each arm's ROC-AUC beside its F1
    assert png.stat().st_size > 10_000
    with sqlite3.connect(store) as con: assert con.execute("SELECT COUNT(*) FROM runs WHERE status='ok'").fetchone()[0]==18
    rep = finalbn('report', '--store', store, '--plants', 'Apple')
    assert rep.returncode==0 and 'Apple' in rep.stdout and 'Tomato' not in rep.stdout and 'paper A BN' in rep.stdout
    rep = finalbn('report', '--store', store, '--table', 'gain', '--by', 'plant')
    assert rep.returncode==0 and 'gain' in rep.stdout
    rep = finalbn('report', '--store', store, '--table', 'pie')
    assert rep.returncode!=0 and "argument --table: invalid choice: 'pie'" in rep.stderr
    rep = finalbn('report', '--store', tmp_path/'none.db')
    assert rep.returncode!=0 and 'no results store at' in rep.stderr

def test_configs_and_presets():
    out = finalbn('configs')
    lines = out.stdout.strip().splitlines()
    assert out.returncode==0 and lines[66]=='' and lines[67].startswith('remedy=')   # two header lines + 64 ids, then the remedies
    assert [l.split(':')[0].strip() for l in lines[68:]][:3]==['none', 'la_loss', 'balanced_softmax']
    out = finalbn('presets')
    assert out.returncode==0 and 'quick:' in out.stdout and 'paper:' in out.stdout

def test_bench_quick(tmp_path):
    "`finalbn bench` on a tiny config writes its JSON record and prints its table."
    out = tmp_path/'bench.json'
    r = finalbn('bench', '--quick', '--no-sweep', '--preset', 'scratch', '--set', 'size=16', 'epochs=1', 'n_major=100', 'ratio=20',
                'n_valid=20', 'n_valid_minor=2', 'n_test=20', 'bs=16', '--reps', '3', '--out', out, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    rec = json.loads(out.read_text())
    m = rec['machine']
    n = 3 if Path('/proc/loadavg').exists() else 0
    for k in ('load_before', 'load_after'):
        assert len(m[k])==n and all(isinstance(x, float) and 0 <= x < 1e4 for x in m[k]), m
    assert (rec['counts']['reps'], rec['config']['size'], 'sweep' in rec) == (3, 16, False), rec['counts']
    assert f'wrote {out}' in r.stdout and '2. finalbn (fastai) fit / plain PyTorch fit' in r.stdout, r.stdout

def test_trio_on_a_folder_tree(tmp_path):
    "The Table I trio on a one-folder-per-class tree of the user's, from the command line only, then its report."
    from finalbn.study import digits_folder
    tree, store = digits_folder(tmp_path/'digits'), tmp_path/'f.db'
    out = finalbn('sweep', '--store', store, '--seeds', '2', '--no-progress', '--preset', 'scratch', '--set', 'source=folder',
                  f'path={tree}', 'roles=3=majority,8=minority', 'size=16', 'epochs=1', 'n_major=60', 'ratio=20', 'n_valid=10',
                  'n_valid_minor=2', 'n_test=10', 'bs=16')
    assert out.returncode==0, out.stderr
    assert '3 configs x 2 seeds = 6 runs' in out.stdout
    rep = finalbn('report', '--store', store)
    assert rep.returncode==0, rep.stderr
    assert 'final BN vs none' in rep.stdout and ' 8: ' not in rep.stdout.split('\n')[0]

def test_report_refuses_mixed_runs_and_filters(tmp_path):
    "Runs that differ in a field other than the trio and the seed are not pooled; --where selects them."
    store = tmp_path/'m.db'
    for epochs in ('1', '2'):
        out = finalbn('sweep', '--store', store, '--plants', 'Apple', '--seeds', '2', '--no-progress',
                      *[a for a in TINY if not a.startswith('epochs')], f'epochs={epochs}')
        assert out.returncode==0, out.stderr
    rep = finalbn('report', '--store', store)
    assert rep.returncode!=0 and 'differ in epochs (1, 2)' in rep.stderr and '--where epochs=1' in rep.stderr
    rep = finalbn('report', '--store', store, '--where', 'epochs=2')
    assert rep.returncode==0 and 'Apple' in rep.stdout

def test_failed_runs_exit_nonzero(tmp_path):
    "A sweep whose runs fail says how many and exits with status 1, so a scheduler notices."
    out = finalbn('sweep', '--store', tmp_path/'x.db', '--plants', 'Apple', '--seeds', '1', '--no-progress', *TINY, 'lr=1e12')
    assert out.returncode==1, (out.stdout, out.stderr)
    assert '3 run(s) failed' in out.stderr

def test_failed_study_exits_nonzero(tmp_path):
    "`finalbn study` too lists its failed runs and exits with status 1."
    out = finalbn('study', 'table1', '--scale', 'tiny', '--out', tmp_path, '--backend', 'local', '--no-progress', '--set', 'lr=1e12')
    assert out.returncode==1, (out.stdout, out.stderr)
    assert out.stdout.count('  failed: config ')==6 and 'finalbn study: 6 run(s) failed' in out.stderr

def test_trio_on_any_plantvillage_plant(tmp_path):
    "A PlantVillage-layout tree: any plant present in it can be the task, set with --set plant= (not replaced by the preset's)."
    from finalbn.leaves import make_leaves
    tree = make_leaves(tmp_path/'pv', plants=['Strawberry'], n_healthy=90, n_unhealthy=30, size=16)
    out = finalbn('sweep', '--store', tmp_path/'s.db', '--seeds', '1', '--no-progress', '--preset', 'scratch', '--set',
                  'source=plantvillage', f'path={tree}', 'plant=Strawberry', *TINY[3:])
    assert out.returncode==0, out.stderr
    assert '3 configs x 1 seeds = 3 runs' in out.stdout
    rep = finalbn('report', '--store', tmp_path/'s.db')
    assert rep.returncode==0 and 'Strawberry' in rep.stdout, rep.stderr
