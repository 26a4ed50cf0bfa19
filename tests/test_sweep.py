"Process-level behaviour of sweeps: SIGKILL and resume, and the same results on the local, process and Ray backends."
import json, os, signal, sqlite3, subprocess, time
import numpy as np, pytest

from conftest import FINALBN, TINY

def sweep_cmd(store, *extra): return FINALBN + ['sweep', '--store', str(store), '--no-progress', *TINY, *extra]

def rows(store):
    with sqlite3.connect(store) as con:
        return con.execute('SELECT key, seed, status, metrics, finished FROM runs').fetchall()

def test_sigkill_then_resume(tmp_path):
    store = tmp_path/'kill.db'
    args = sweep_cmd(store, '--seeds', '4', '--threads', '1')   # 3 plants x 3 configs x 4 seeds = 36 runs
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time()+240
    while time.time()<deadline and p.poll() is None:
        if store.exists() and len(rows(store))>=4: break
        time.sleep(0.2)
    assert p.poll() is None, f"sweep ended before it could be killed:\n{p.stdout.read()}"
    os.kill(p.pid, signal.SIGKILL); p.wait()
    before = rows(store)
    assert 4 <= len(before) < 36
    with sqlite3.connect(store) as con: assert con.execute('PRAGMA integrity_check').fetchone()[0]=='ok'
    assert all(r[2]=='ok' and json.loads(r[3])['f1'] for r in before)
    out = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert out.returncode==0, out.stderr
    assert f"{len(before)} already done, {36-len(before)} to run" in out.stdout
    assert f"ran {36-len(before)} runs" in out.stdout
    after = rows(store)
    assert len(after)==36 and len({(k,s) for k,s,*_ in after})==36
    assert all(r[2]=='ok' for r in after)
    assert set(before) <= set(after)                          # finished rows untouched
    again = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert "36 already done, 0 to run" in again.stdout and "ran 0 runs" in again.stdout

def _metrics(store):
    return {(k,s):json.loads(m) for k,s,_,m,_ in rows(store)}

@pytest.fixture(scope='module')
def local_store(tmp_path_factory):
    store = tmp_path_factory.mktemp('local')/'local.db'
    out = subprocess.run(sweep_cmd(store, '--plants', 'Apple', '--seeds', '2', '--threads', '1'), capture_output=True, text=True, timeout=600)
    assert out.returncode==0, out.stderr
    return store

@pytest.mark.parametrize('backend', ['process', 'ray'])
def test_backends_agree(local_store, tmp_path, backend):
    if backend=='ray': pytest.importorskip('ray')
    store = tmp_path/f'{backend}.db'
    out = subprocess.run(sweep_cmd(store, '--plants', 'Apple', '--seeds', '2', '--threads', '1', '--backend', backend),
                         capture_output=True, text=True, timeout=600)
    assert out.returncode==0, out.stderr
    a, b = _metrics(local_store), _metrics(store)
    assert len(a)==6 and a.keys()==b.keys()
    assert a==b
    from finalbn.store import Store
    sa, sb = Store(local_store), Store(store)
    for k,s in a: np.testing.assert_array_equal(sa.preds(k,s)[0], sb.preds(k,s)[0])
