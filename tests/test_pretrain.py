"`finalbn pretrain` as processes: bit-for-bit rebuilds across processes, --check, refusals, the shipped weights."
import hashlib, json, os, subprocess, sys
from pathlib import Path
import pytest

PRETRAIN = [sys.executable, '-c', 'import sys; from finalbn.cli import main; sys.exit(main())', 'pretrain']
TINY = ['--plants', 'Peach,Soybean', '--size', '32', '--n-train', '8', '--n-valid', '4', '--epochs', '1', '--bs', '8', '--no-progress']

def pretrain(*args, env=None, timeout=600):
    return subprocess.run(PRETRAIN+[str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})

def sha256(fn): return hashlib.sha256(Path(fn).read_bytes()).hexdigest()

@pytest.fixture(scope='module')
def tree(tmp_path_factory):
    from finalbn.leaves import make_leaves
    return make_leaves(tmp_path_factory.mktemp('leaves')/'tree', plants=['Peach', 'Soybean', 'Tomato'],
                       n_healthy=12, n_unhealthy=12, size=32)

def test_rebuild_is_bit_for_bit_across_processes(tmp_path, tree):
    a, b = tmp_path/'a'/'w.safetensors', tmp_path/'b'/'w.safetensors'
    for f in (a, b):
        out = pretrain('--out', f, '--root', tree, *TINY)
        assert out.returncode==0, out.stderr
        assert 'valid accuracy' in out.stdout and 'wrote' in out.stdout
    assert a.read_bytes()==b.read_bytes()
    ra, rb = (json.loads(f.with_suffix('.json').read_text()) for f in (a, b))
    assert ra==rb and ra['sha256']==sha256(a)
    assert ra['plants']==['Peach', 'Soybean'] and not any(c.startswith('Tomato') for c in ra['classes'])
    out = pretrain('--check', '--out', a, '--no-progress')
    assert out.returncode==0 and 'identical bit for bit; 0 record field(s) differ' in out.stdout, out.stdout+out.stderr

def test_check_notices_changed_weights(tmp_path, tree):
    f = tmp_path/'w.safetensors'
    assert pretrain('--out', f, '--root', tree, *TINY).returncode==0
    rec = json.loads(f.with_suffix('.json').read_text())
    f.with_suffix('.json').write_text(json.dumps(rec | dict(valid_accuracy=0.99, sha256='0'*64)))
    out = pretrain('--check', '--out', f, '--no-progress')
    assert out.returncode==1 and 'NOT identical' in out.stdout and 'valid_accuracy' in out.stdout

@pytest.mark.parametrize('args, msg', [
    (['--plants', 'Apple,Peach', '--out', 'OUT'], "['Apple'] are study targets and must never be seen in pretraining"),
    (['--epochs', '1'], "changing the recipe of 'leaves-resnet10t' (epochs) needs --out"),
    (['--name', 'leaves-vgg'], "unknown weights name 'leaves-vgg'"),
    (['--arch', 'resnet1000', '--out', 'OUT'], "unknown timm architecture 'resnet1000'"),
    (['--out', 'OUT.pt', '--epochs', '1'], "must end in .safetensors"),
    (['--check', '--epochs', '2'], "--check rebuilds from the record"),
])
def test_bad_input_refused_before_training(tmp_path, args, msg):
    out = pretrain(*[a.replace('OUT', str(tmp_path/'x.safetensors')) for a in args], env=dict(FINALBN_HOME=str(tmp_path/'home')))
    assert out.returncode!=0 and msg in out.stderr, out.stderr
    assert not (tmp_path/'home'/'weights').exists() and not list(tmp_path.glob('x.*'))

def test_shipped_weights():
    from finalbn.backbone import RECIPE
    from finalbn.checkpoints import PRETRAINED, weights_dir, weights_record
    from finalbn.leaves import STUDY_PLANT_FOLDERS
    f = weights_dir()/'leaves-resnet10t.safetensors'
    assert f.is_file() and f.stat().st_size < 20e6
    rec = weights_record('leaves-resnet10t')
    assert rec['sha256']==sha256(f) and {k:rec[k] for k in RECIPE}==PRETRAINED['leaves-resnet10t']
    assert not set(rec['plants']) & set(STUDY_PLANT_FOLDERS)
    assert not any(c.split('___')[0] in STUDY_PLANT_FOLDERS for c in rec['classes'])

def test_shipped_weights_load_in_a_fresh_process():
    code = ("from finalbn.checkpoints import load_weights; import timm; m = timm.create_model('resnet10t', num_classes=0); "
            "sd = load_weights('resnet10t', 'leaves-resnet10t', 64); "
            "print(m.load_state_dict({k[6:]:v for k,v in sd.items()}))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert out.returncode==0 and 'All keys matched' in out.stdout, out.stderr
