"Packaging: `python -m build` gives an sdist and a wheel, and the wheel installs into a fresh environment."
import subprocess, sys, sysconfig, tarfile, venv, zipfile
from pathlib import Path
import pytest

root = Path(__file__).resolve().parents[1]
modules = sorted(p.name for p in (root/'finalbn').glob('*.py'))

@pytest.fixture(scope='module')
def dist(tmp_path_factory):
    "Build the sdist and the wheel once for this module's tests."
    out = tmp_path_factory.mktemp('dist')
    r = subprocess.run([sys.executable, '-m', 'build', '--outdir', str(out), str(root)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out

def test_sdist_and_wheel(dist):
    "Both archives are built and hold every generated module."
    whl, = dist.glob('finalbn-*.whl')
    sdist, = dist.glob('finalbn-*.tar.gz')
    names = zipfile.ZipFile(whl).namelist()
    assert 'finalbn/_modidx.py' in names and 'finalbn/__init__.py' in names
    assert [m for m in modules if f'finalbn/{m}' not in names] == []
    ep = next(n for n in names if n.endswith('entry_points.txt'))
    assert 'finalbn = finalbn.cli:main' in zipfile.ZipFile(whl).read(ep).decode()
    with tarfile.open(sdist) as t: assert any(n.endswith('finalbn/cli.py') for n in t.getnames())

def test_wheel_installs_in_fresh_env(dist, tmp_path):
    "A new environment, given this one's dependencies through a .pth file (no 6 GB download), installs the wheel."
    whl, = dist.glob('finalbn-*.whl')
    env = tmp_path/'env'
    venv.create(env, with_pip=True)
    py, bindir = env/'bin'/'python', env/'bin'
    purelib = subprocess.run([py, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                             capture_output=True, text=True, check=True).stdout.strip()
    deps = {sysconfig.get_paths()['purelib'], sysconfig.get_paths()['platlib']}
    (Path(purelib)/'_finalbn_test_deps.pth').write_text('\n'.join(sorted(deps)) + '\n')
    subprocess.run([py, '-m', 'pip', 'install', '-q', '--no-deps', '--no-index', str(whl)], check=True, cwd=tmp_path)
    r = subprocess.run([py, '-c', 'import finalbn; print(finalbn.__file__, finalbn.__version__)'],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(str(Path(purelib)/'finalbn')), f"imported from the wrong place: {r.stdout}"
    r = subprocess.run([bindir/'finalbn', 'smoke'], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'finalbn smoke: train loss' in r.stdout
