"What the test files share: the `finalbn` console script of this environment, run as a user runs it, and a tiny sweep's arguments."
import subprocess, sys
from pathlib import Path

FINALBN = [str(Path(sys.executable).parent/'finalbn')]
"The `finalbn` console script installed beside this Python."
TINY = ['--preset', 'scratch', '--set', 'size=16', 'epochs=1', 'n_major=60', 'ratio=20', 'n_valid=10', 'n_valid_minor=2', 'n_test=10', 'bs=16']
"A tiny sweep of the scratch preset: 16 px, one epoch, 60 healthy against 3 unhealthy training images."

def finalbn(*args, timeout:int=600)->subprocess.CompletedProcess:
    "`finalbn ARGS` run in a new process, its output captured."
    return subprocess.run(FINALBN+[str(a) for a in args], capture_output=True, text=True, timeout=timeout)
