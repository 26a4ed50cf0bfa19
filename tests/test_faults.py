"Process-level faults of sweeps and stores: a worker killed mid-run, stale results, read-only and foreign store files."
import hashlib, os, shutil, signal, sqlite3, subprocess, sys
from pathlib import Path
import numpy as np, pytest
from PIL import Image
from finalbn.config import RunConfig
from finalbn.run import make_split
from finalbn.store import Store
from finalbn.sweep import sweep, plan, trio

TINY = RunConfig(size=16, epochs=1, n_major=40, ratio=10., n_valid=10, n_valid_minor=2, n_test=10, bs=8)

def fake_run(cfg, threads=None, device=None):
    "A run that trains nothing: an 'ok' result at once."
    return dict(key=cfg.key, seed=cfg.seed, config_id=cfg.config_id, status='ok', reason='', config=cfg.asdict(),
                metrics=dict(f1=[0.5, 0.5]), history=[], info=dict(pid=os.getpid()), wall=0., probs=np.eye(2), targets=np.arange(2))

def killed_with_bn(cfg, threads=None, device=None):
    "Like `fake_run`, but the worker process running a config with a final BN is killed (as by the OOM killer)."
    if cfg.bn: os.kill(os.getpid(), signal.SIGKILL)
    return fake_run(cfg)

def sha(p): return hashlib.sha256(Path(p).read_bytes()).hexdigest()

def test_killed_worker_fails_its_run_only(tmp_path):
    df = sweep(trio(TINY), [0, 1], tmp_path/'k.db', backend='process', workers=2, run_fn=killed_with_bn, progress=False)
    assert len(df) == 6
    failed = df[df.status == 'failed']
    assert sorted(failed.bn) == [True, True] and (df[df.status == 'ok'].bn == False).all()
    assert all('worker process died (killed by signal SIGKILL' in r for r in failed.reason), list(failed.reason)
    assert len({i['pid'] for i in df[df.status == 'ok']['info']}) >= 2   # the dead workers were replaced
    assert (tmp_path/'k.db').exists() and not (tmp_path/'k.db-wal').exists()   # checkpointed at the end of the sweep

def folder_dataset(root, n=(32, 10)):
    "Two class folders of random PNGs."
    rng = np.random.default_rng(0)
    for cls, k in zip('ab', n):
        (root/cls).mkdir(parents=True)
        for i in range(k): Image.fromarray(rng.integers(0, 255, (16, 16, 3), dtype=np.uint8)).save(root/cls/f'{i:03d}.png')
    return root

def test_folder_edited_in_place_is_stale(tmp_path):
    root = folder_dataset(tmp_path/'data')
    cfg = RunConfig(source='folder', path=str(root), plant='', roles='a=majority,b=minority', size=16, epochs=1,
                    n_major=20, ratio=10., n_valid=5, n_valid_minor=2, n_test=5, bs=8)
    store = tmp_path/'f.db'
    sweep([cfg], [0, 1], store, run_fn=fake_run, progress=False)
    p = plan([cfg], [0, 1], store)
    assert (p.todo, p.n_done) == ([], 2)
    used = make_split(cfg).query("split=='train'").path.iloc[0]
    Image.fromarray(np.zeros((16, 16, 3), np.uint8)).save(used)
    p = plan([cfg], [0, 1], store)
    assert (cfg.key, 0) in p.stale and p.stale[(cfg.key, 0)].startswith('data '), p.stale
    assert 'stale and will be redone: data ' in p.why()
    df = sweep([cfg], [0, 1], store, run_fn=fake_run, progress=False)
    p = plan([cfg], [0, 1], store)
    assert (df.status == 'ok').all() and (p.todo, p.n_done) == ([], 2)

def test_readonly_copy_reads_without_writing(tmp_path):
    store = tmp_path/'s.db'
    sweep(trio(TINY), [0], store, run_fn=fake_run, progress=False)
    ro = tmp_path/'share'/'s.db'
    ro.parent.mkdir(); shutil.copy(store, ro); ro.chmod(0o444); ro.parent.chmod(0o555)
    before = sha(ro)
    code = ("import sys, sqlite3; from finalbn.store import Store; s = Store(sys.argv[1], readonly=True); print(len(s), len(s.df()))\n"
            "try: s.con.execute('DELETE FROM runs')\nexcept sqlite3.OperationalError as e: print('refused:', e)")
    out = subprocess.run([sys.executable, '-c', code, str(ro)], capture_output=True, text=True)
    ro.parent.chmod(0o755)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split('\n')[:2] == ['3 3', 'refused: attempt to write a readonly database']
    assert sha(ro) == before and sorted(p.name for p in ro.parent.iterdir()) == ['s.db']

@pytest.mark.parametrize('kind', ['other tables', 'other runs table', 'not sqlite'])
def test_foreign_file_untouched(tmp_path, kind):
    f = tmp_path/'theirs.db'
    if kind == 'not sqlite': f.write_text('a text file\n')
    else:
        con = sqlite3.connect(f)
        con.execute('CREATE TABLE patients (name TEXT)' if kind == 'other tables' else 'CREATE TABLE runs (id INTEGER, cmd TEXT)')
        con.commit(); con.close()
    before = sha(f)
    for call in (lambda: Store(f), lambda: Store(f, readonly=True), lambda: sweep(trio(TINY), [0], f, run_fn=fake_run, progress=False)):
        with pytest.raises(ValueError, match='is not a finalbn store'): call()
    assert sha(f) == before and sorted(p.name for p in tmp_path.iterdir()) == ['theirs.db']

def test_refused_sweep_creates_no_store(tmp_path):
    for kw in (dict(seeds=[0, -1]), dict(seeds=[]), dict(workers=0), dict(threads=-2)):
        with pytest.raises(ValueError): sweep(trio(TINY), **({'seeds': [0], 'run_fn': fake_run} | kw), store=tmp_path/'r.db', progress=False)
    with pytest.raises(ValueError, match='Not enough images'):
        sweep([TINY.replace(n_major=5000)], [0], tmp_path/'r.db', run_fn=fake_run, progress=False)
    assert list(tmp_path.iterdir()) == []

RAY_DRIVER = """import sys, time
from pathlib import Path
from finalbn.config import RunConfig
from finalbn.sweep import sweep
def hang(cfg, threads=None, device=None, started=sys.argv[1]):  # the path travels with the function to the Ray worker
    "A run that says it started, then waits to be killed."
    Path(started).write_text('started')
    time.sleep(600)
cfg = RunConfig(source='folder', path=sys.argv[2], plant='', roles='a=majority,b=minority', size=16, epochs=1,
                n_major=20, ratio=10., n_valid=5, n_valid_minor=2, n_test=5, bs=8)
sweep([cfg], [0], sys.argv[3], backend='ray', run_fn=hang, progress=False)
"""

def test_killed_ray_driver_leaves_no_process(tmp_path):
    "A Ray sweep's driver killed with SIGKILL while a task runs: 30 s later none of the processes it started lives on."
    pytest.importorskip('ray'); psutil = pytest.importorskip('psutil')
    root, started = folder_dataset(tmp_path/'data'), tmp_path/'started'
    driver = subprocess.Popen([sys.executable, '-c', RAY_DRIVER, str(started), str(root), str(tmp_path/'r.db')],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        if started.exists() or driver.poll() is not None: break
        subprocess.run(['sleep', '0.5'])
    assert started.exists(), f"the Ray task never started (driver exit status {driver.poll()})"
    subprocess.run(['sleep', '2'])                                     # the raylet's agents are up
    procs = [p for p in psutil.Process(driver.pid).children(recursive=True)]
    assert any('raylet' in ' '.join(p.cmdline()) for p in procs)       # a local Ray, started by the sweep
    driver.kill(); driver.wait()
    def alive(): return [p for p in procs if p.is_running() and p.status()!=psutil.STATUS_ZOMBIE]
    for _ in range(60):                                                 # 30 s at most
        if not alive(): break
        subprocess.run(['sleep', '0.5'])
    assert alive() == [], [f"{p.pid} {p.name()}" for p in alive()]
